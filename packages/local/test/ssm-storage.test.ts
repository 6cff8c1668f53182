import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DescribeParametersCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { filesContaining } from '../../../test-support/disk-scan.ts';
import { startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.ts';
import { ManualClock, startLocalService } from '../src/index.ts';

/** Parameter Store on disk: sealed SecureStrings, durability across restarts, Expiration policies. */
describe('Parameter Store storage (parasol serve --data)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parasol-ssm-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps SecureString plaintext out of the database file and WAL, and reads it back after a restart', async () => {
    const secret = 'PLAINTEXT-SecureString-7f3a9c';
    const visible = 'PLAINTEXT-String-visible-1b2c';
    let serve = await startServe(['--data', dir]);
    let ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
    try {
      await ssm.send(new PutParameterCommand({ Name: '/store/secure', Value: secret, Type: 'SecureString' }));
      await ssm.send(new PutParameterCommand({ Name: '/store/secure', Value: `${secret}-v2`, Overwrite: true }));
      await ssm.send(new PutParameterCommand({ Name: '/store/custom', Value: secret, Type: 'SecureString', KeyId: 'alias/app' }));
      await ssm.send(new PutParameterCommand({ Name: '/store/plain', Value: visible, Type: 'String' }));
      // The scan covers every file in the data directory and sees what is on disk: the String value is there
      // in the clear ...
      assert.ok(filesContaining(dir, visible).length > 0, 'String value not found on disk: the scan would prove nothing');
      // ... and no SecureString plaintext is, in UTF-8 or UTF-16, in any file.
      assert.deepEqual(filesContaining(dir, secret), [], 'SecureString plaintext found on disk');
    } finally {
      ssm.destroy();
      await serve.stop();
    }
    // After a clean stop the WAL is checkpointed into the main file: scan what is left again.
    assert.ok(filesContaining(dir, visible).length > 0);
    assert.deepEqual(filesContaining(dir, secret), [], 'SecureString plaintext found on disk after shutdown');
    serve = await startServe(['--data', dir]);
    ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
    try {
      const { Parameter } = await ssm.send(new GetParameterCommand({ Name: '/store/secure', WithDecryption: true }));
      assert.equal(Parameter?.Value, `${secret}-v2`);
      assert.equal(Parameter?.Version, 2);
      const v1 = await ssm.send(new GetParameterCommand({ Name: '/store/secure:1', WithDecryption: true }));
      assert.equal(v1.Parameter?.Value, secret);
      const custom = await ssm.send(new GetParameterCommand({ Name: '/store/custom', WithDecryption: true }));
      assert.equal(custom.Parameter?.Value, secret);
    } finally {
      ssm.destroy();
      await serve.stop();
    }
  });

  it('deletes a parameter when its Expiration policy passes', async () => {
    const serve = await startServe(['--allow-clock-control']);
    const ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
    try {
      const inOneHour = new Date(Date.now() + 3_600_000).toISOString();
      const policy = JSON.stringify([{ Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: inOneHour } }]);
      const put = await ssm.send(
        new PutParameterCommand({ Name: '/exp/p', Value: 'short-lived', Type: 'String', Tier: 'Advanced', Policies: policy }),
      );
      assert.equal(put.Tier, 'Advanced');
      await ssm.send(new PutParameterCommand({ Name: '/exp/keep', Value: 'stays', Type: 'String' }));
      const meta = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/exp/p'] }] }));
      const policies = meta.Parameters?.[0].Policies;
      assert.equal(policies?.length, 1);
      assert.equal(policies?.[0].PolicyType, 'Expiration');
      assert.equal(policies?.[0].PolicyStatus, 'Pending');
      assert.deepEqual(JSON.parse(policies![0].PolicyText!).Attributes, { Timestamp: inOneHour });

      const res = await fetch(`${serve.url}/_parasol/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: 7200 }) });
      assert.equal(res.status, 200);
      await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/exp/p' })), { name: 'ParameterNotFound' });
      assert.equal((await ssm.send(new GetParameterCommand({ Name: '/exp/keep' }))).Parameter?.Value, 'stays');
      const listed = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Values: ['/exp'] }] }));
      assert.deepEqual(
        listed.Parameters?.map((p) => p.Name),
        ['/exp/keep'],
      );
      // The name is free again: a new parameter starts at version 1.
      const again = await ssm.send(new PutParameterCommand({ Name: '/exp/p', Value: 'new', Type: 'String' }));
      assert.equal(again.Version, 1);
    } finally {
      ssm.destroy();
      await serve.stop();
    }
  });

  it('sweeps expired parameters out of the database (in-process service, manual clock)', async () => {
    const clock = new ManualClock();
    const service = await startLocalService({ port: 0, inMemory: true, clock, logLevel: 'none' });
    const ssm = new SSMClient(TEST_CLIENT_CONFIG(service.url));
    try {
      const soon = new Date(clock.now() + 60_000).toISOString();
      const policy = JSON.stringify([{ Type: 'Expiration', Attributes: { Timestamp: soon } }]);
      await ssm.send(new PutParameterCommand({ Name: '/sweep/p', Value: 'v', Type: 'String', Tier: 'Advanced', Policies: policy }));
      const rows = () => (service.db.prepare("SELECT count(*) AS n FROM ssm_parameters WHERE key = '/sweep/p'").get() as { n: number }).n;
      await service.sweep();
      assert.equal(rows(), 1, 'swept before its time');
      clock.advance(61_000);
      await service.sweep();
      assert.equal(rows(), 0);
      assert.equal((service.db.prepare("SELECT count(*) AS n FROM ssm_versions WHERE key = '/sweep/p'").get() as { n: number }).n, 0);
    } finally {
      ssm.destroy();
      await service.close();
    }
  });
});
