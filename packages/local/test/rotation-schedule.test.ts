/**
 * Scheduled rotation: `rate(4 hours)` with a compressed clock
 * (`POST /_parasol/clock`), manual value changes pushing the schedule, and the
 * schedule surviving a restart of `parasol serve --data DIR`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';
import { smClient, uniqueName } from './secretsmanager-support.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures/rotation-function.ts');
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:scheduled';
const HOUR = 3_600_000;

const dir = mkdtempSync(join(tmpdir(), 'parasol-schedule-'));
writeFileSync(join(dir, 'functions.json'), JSON.stringify({ [FN]: FIXTURE }));
let serve: ServeProcess | undefined;

const start = () => startServe(['--data', join(dir, 'data'), '--allow-clock-control', '--functions', join(dir, 'functions.json')]);

async function advance(url: string, ms: number): Promise<void> {
  const res = await fetch(`${url}/_parasol/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: ms / 1000 }) });
  assert.equal(res.status, 200);
}

/** The service's own idea of now. */
async function serviceNow(url: string): Promise<number> {
  const health = (await (await fetch(`${url}/_parasol/health`)).json()) as { now: string };
  return Date.parse(health.now);
}

/** Polls DescribeSecret until `done` holds (the sweep runs in the background after a clock move). */
async function waitFor(url: string, name: string, done: (d: DescribeSecretCommandOutput) => boolean): Promise<DescribeSecretCommandOutput> {
  const sm = smClient(url);
  for (let i = 0; i < 600; i++) {
    const d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
    if (done(d)) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached in 60 s');
}

after(async () => {
  await serve?.stop();
});

test('rate(4 hours) rotates on time, manual changes push the schedule, and the schedule survives a restart', async () => {
  serve = await start();
  let sm = smClient(serve.url);
  const name = uniqueName('sched');
  const { VersionId: v0 } = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'initial' }));
  await sm.send(
    new RotateSecretCommand({
      SecretId: name,
      RotationLambdaARN: FN,
      RotationRules: { ScheduleExpression: 'rate(4 hours)' },
      RotateImmediately: false,
    }),
  );
  const configured = await sm.send(new DescribeSecretCommand({ SecretId: name }));
  const configuredAt = await serviceNow(serve.url);
  const firstDue = configured.NextRotationDate!.getTime();
  assert.ok(Math.abs(firstDue - (configuredAt + 4 * HOUR)) < 60_000, 'first rotation is due 4 hours after it was configured');

  // 3 h 50 min later: not due yet. The sweep that runs after the clock move must leave it alone.
  await advance(serve.url, 3 * HOUR + 50 * 60_000);
  await new Promise((r) => setTimeout(r, 700));
  let d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(d.LastRotatedDate, undefined);
  assert.deepEqual(d.VersionIdsToStages, { [v0!]: ['AWSCURRENT'] });

  // Past 4 h: the scheduler rotates it.
  await advance(serve.url, 11 * 60_000);
  d = await waitFor(serve.url, name, (x) => x.LastRotatedDate !== undefined);
  const rotatedAt = d.LastRotatedDate!.getTime();
  assert.ok(rotatedAt >= firstDue, 'rotated no earlier than due');
  assert.equal(d.NextRotationDate!.getTime(), rotatedAt + 4 * HOUR);
  const current = Object.entries(d.VersionIdsToStages!).find(([, s]) => s.includes('AWSCURRENT'))![0];
  assert.notEqual(current, v0);
  assert.deepEqual(d.VersionIdsToStages![v0!], ['AWSPREVIOUS']);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `rotated-${current}`);

  // A manual value change 2 h later counts as a rotation: the next one moves to 4 h after it.
  await advance(serve.url, 2 * HOUR);
  await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'set by hand' }));
  const putAt = await serviceNow(serve.url);
  await advance(serve.url, 2 * HOUR + 5 * 60_000); // past the old NextRotationDate
  d = await waitFor(serve.url, name, (x) => x.NextRotationDate!.getTime() > rotatedAt + 4 * HOUR);
  assert.ok(Math.abs(d.NextRotationDate!.getTime() - (putAt + 4 * HOUR)) < 60_000);
  assert.equal(d.LastRotatedDate!.getTime(), rotatedAt, 'no rotation at the old time');
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'set by hand');
  const nextDue = d.NextRotationDate!.getTime();

  // Restart: the clock offset is gone, the schedule is in the database.
  await serve.stop();
  serve = await start();
  sm = smClient(serve.url);
  d = await sm.send(new DescribeSecretCommand({ SecretId: name }));
  assert.equal(d.NextRotationDate!.getTime(), nextDue);
  assert.equal(d.LastRotatedDate!.getTime(), rotatedAt);
  const behind = nextDue - (await serviceNow(serve.url));
  assert.ok(behind > 0);
  await advance(serve.url, behind + 60_000);
  d = await waitFor(serve.url, name, (x) => x.LastRotatedDate!.getTime() > rotatedAt);
  assert.ok(d.LastRotatedDate!.getTime() >= nextDue);
  assert.equal(d.NextRotationDate!.getTime(), d.LastRotatedDate!.getTime() + 4 * HOUR);
  assert.match((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString!, /^rotated-/);
  assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }))).SecretString, 'set by hand');
});
