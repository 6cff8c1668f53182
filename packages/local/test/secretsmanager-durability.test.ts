import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { filesContaining } from '../../../test-support/disk-scan.ts';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';
import { smClient } from './secretsmanager-support.ts';

const advanceClock = (url: string, seconds: number) =>
  fetch(`${url}/_parasol/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) }).then((r) => {
    assert.equal(r.status, 200);
  });

describe('Secrets Manager durability, encryption at rest, concurrency, sweeper, version cap', () => {
  const dirs: string[] = [];
  const running: ServeProcess[] = [];
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'parasol-sm-'));
    dirs.push(d);
    return d;
  };
  const serve = async (args: string[]) => {
    const s = await startServe(args);
    running.push(s);
    return s;
  };
  after(async () => {
    for (const s of running) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('survives kill -9: acknowledged writes are all there after restart, and no plaintext is on disk', async () => {
    const dir = tempDir();
    const marker = `PLAINTEXT-${randomBytes(12).toString('hex')}`;
    const binaryMarker = Buffer.from(`BINARY-${randomBytes(12).toString('hex')}`);
    const first = await serve(['--data', dir]);
    let sm = smClient(first.url);
    await sm.send(new CreateSecretCommand({ Name: 'durable/one', SecretString: `${marker}-v1`, Description: 'kept' }));
    await sm.send(new PutSecretValueCommand({ SecretId: 'durable/one', SecretString: `${marker}-v2` }));
    await sm.send(new CreateSecretCommand({ Name: 'durable/bin', SecretBinary: binaryMarker }));
    for (let i = 0; i < 20; i++) await sm.send(new CreateSecretCommand({ Name: `durable/n${i}`, SecretString: `${marker}-${i}` }));
    const before = await sm.send(new DescribeSecretCommand({ SecretId: 'durable/one' }));
    // At rest, while the server still runs (WAL not checkpointed): no file in the data directory holds a value.
    // Positive control first: the scan finds the marker where it is written in the clear (in a subdirectory).
    const control = join(dir, 'control', 'probe.bin');
    mkdirSync(join(dir, 'control'));
    writeFileSync(control, `unencrypted ${marker}-control`);
    assert.deepEqual(filesContaining(dir, marker), [control], 'the scan finds a plaintext marker anywhere in the directory');
    rmSync(join(dir, 'control'), { recursive: true });
    assert.deepEqual(filesContaining(dir, marker), [], 'a file in the data directory contains a plaintext value');
    assert.deepEqual(filesContaining(dir, binaryMarker), [], 'a file in the data directory contains a plaintext binary value');
    assert.ok(existsSync(join(dir, 'parasol.db-wal')), 'WAL mode is on');
    assert.equal(first.output().includes(marker), false, 'logs contain a value');
    await first.kill9();

    const second = await serve(['--data', dir]);
    sm = smClient(second.url);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'durable/one' }))).SecretString, `${marker}-v2`);
    assert.equal(
      (await sm.send(new GetSecretValueCommand({ SecretId: 'durable/one', VersionStage: 'AWSPREVIOUS' }))).SecretString,
      `${marker}-v1`,
    );
    const after = await sm.send(new DescribeSecretCommand({ SecretId: 'durable/one' }));
    assert.deepEqual(after.VersionIdsToStages, before.VersionIdsToStages);
    assert.equal(after.ARN, before.ARN);
    assert.equal(after.Description, 'kept');
    assert.deepEqual(Buffer.from((await sm.send(new GetSecretValueCommand({ SecretId: 'durable/bin' }))).SecretBinary!), binaryMarker);
    const list = await sm.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: ['durable/n'] }] }));
    assert.equal(list.SecretList!.length, 20);
    for (let i = 0; i < 20; i++) {
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: `durable/n${i}` }))).SecretString, `${marker}-${i}`);
    }
    await second.stop();
    assert.deepEqual(filesContaining(dir, marker), [], 'a file in the data directory contains a plaintext value after shutdown');
  });

  it('50 concurrent PutSecretValue calls leave exactly one AWSCURRENT and one AWSPREVIOUS', async () => {
    const s = await serve(['--data', tempDir()]);
    const sm = smClient(s.url);
    await sm.send(new CreateSecretCommand({ Name: 'contended', SecretString: 'start' }));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => sm.send(new PutSecretValueCommand({ SecretId: 'contended', SecretString: `value-${i}` }))),
    );
    assert.equal(new Set(results.map((r) => r.VersionId)).size, 50);
    const stages = Object.values((await sm.send(new DescribeSecretCommand({ SecretId: 'contended' }))).VersionIdsToStages!).flat();
    assert.equal(stages.filter((l) => l === 'AWSCURRENT').length, 1);
    assert.equal(stages.filter((l) => l === 'AWSPREVIOUS').length, 1);
    assert.equal(stages.length, 2);
    const all = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'contended', IncludeDeprecated: true }));
    assert.equal(all.Versions!.length, 51);
    const current = await sm.send(new GetSecretValueCommand({ SecretId: 'contended' }));
    assert.match(current.SecretString!, /^value-\d+$/);
  });

  it('the sweeper purges a secret whose recovery window ended (clock moved forward)', async () => {
    const s = await serve(['--allow-clock-control']);
    const sm = smClient(s.url);
    await sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'v' }));
    await sm.send(new CreateSecretCommand({ Name: 'kept-longer', SecretString: 'v' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'doomed', RecoveryWindowInDays: 7 }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'kept-longer', RecoveryWindowInDays: 30 }));
    await advanceClock(s.url, 6 * 86400);
    assert.ok((await sm.send(new DescribeSecretCommand({ SecretId: 'doomed' }))).DeletedDate);
    await advanceClock(s.url, 1 * 86400 + 60);
    let purged = false;
    for (let i = 0; i < 50 && !purged; i++) {
      purged = await sm.send(new DescribeSecretCommand({ SecretId: 'doomed' })).then(
        () => false,
        (e: Error) => e.name === 'ResourceNotFoundException',
      );
      if (!purged) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(purged, 'secret was not purged after its window');
    assert.ok((await sm.send(new DescribeSecretCommand({ SecretId: 'kept-longer' }))).DeletedDate);
    // The name is free again.
    await sm.send(new CreateSecretCommand({ Name: 'doomed', SecretString: 'reborn' }));
  });

  it('caps a secret at 100 versions; deprecated versions older than 24 h are cleaned up to make room', async () => {
    const s = await serve(['--allow-clock-control']);
    const sm = smClient(s.url);
    await sm.send(new CreateSecretCommand({ Name: 'many', SecretString: 'v0' }));
    for (let i = 1; i < 100; i++) await sm.send(new PutSecretValueCommand({ SecretId: 'many', SecretString: `v${i}` }));
    await assert.rejects(sm.send(new PutSecretValueCommand({ SecretId: 'many', SecretString: 'v100' })), {
      name: 'LimitExceededException',
    });
    const count = async () =>
      (await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'many', IncludeDeprecated: true }))).Versions!.length;
    assert.equal(await count(), 100);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'many' }))).SecretString, 'v99');
    const accessedBefore = (await sm.send(new DescribeSecretCommand({ SecretId: 'many' }))).LastAccessedDate!.getTime();
    await advanceClock(s.url, 25 * 3600);
    // LastAccessedDate moves to the new day's midnight on the next read.
    await sm.send(new GetSecretValueCommand({ SecretId: 'many' }));
    const accessedAfter = (await sm.send(new DescribeSecretCommand({ SecretId: 'many' }))).LastAccessedDate!.getTime();
    assert.ok(accessedAfter > accessedBefore);
    assert.equal((accessedAfter - accessedBefore) % 86_400_000, 0);
    const ok = await sm.send(new PutSecretValueCommand({ SecretId: 'many', SecretString: 'v100' }));
    assert.deepEqual(ok.VersionStages, ['AWSCURRENT']);
    assert.equal(await count(), 100);
    const stages = await sm.send(new DescribeSecretCommand({ SecretId: 'many' }));
    assert.equal(Object.keys(stages.VersionIdsToStages!).length, 2);
    // The labels quota: at most 20 attached across versions.
    const version = ok.VersionId!;
    for (let i = 0; i < 18; i++)
      await sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'many', VersionStage: `L${i}`, MoveToVersionId: version }));
    await assert.rejects(
      sm.send(new UpdateSecretVersionStageCommand({ SecretId: 'many', VersionStage: 'L18', MoveToVersionId: version })),
      {
        name: 'LimitExceededException',
      },
    );
  });
});
