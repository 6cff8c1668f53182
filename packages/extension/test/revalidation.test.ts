// Revalidation after TTL expiry: `parasol serve` and `parasol extension` as
// real processes (SECRETS_MANAGER_TTL=1), upstream calls counted from the
// extension's /metrics. The NextRotationDate bound needs a rotation due within
// seconds, which no service can be made to schedule (AWS's shortest rotation
// interval is four hours), so that case drives the Lookup with a fake upstream.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { readBody } from '../../../test-support/bodies.ts';
import { type ExtensionProcess, startExtension, upstreamCalls } from '../../../test-support/extension.js';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';
import { ResponseCache } from '../src/cache.js';
import { loadConfig } from '../src/config.js';
import { Lookup, secretKey } from '../src/lookup.js';
import { Metrics } from '../src/metrics.js';
import type { Upstream } from '../src/upstream/index.js';

let serve: ServeProcess;
let ext: ExtensionProcess;
let sm: SecretsManagerClient;

async function json(path: string) {
  const res = await fetch(`${ext.url}${path}`, { headers: ext.headers });
  return { status: res.status, cache: res.headers.get('x-parasol-cache'), body: await readBody(res) };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function revalidations(result: string): Promise<number> {
  const text = await (await fetch(`${ext.url}/metrics`, { headers: ext.headers })).text();
  return Number(text.match(new RegExp(`^parasol_revalidations_total\\{result="${result}"\\} (\\d+)`, 'm'))?.[1]);
}
async function calls() {
  return { get: await upstreamCalls(ext, 'GetSecretValue'), describe: await upstreamCalls(ext, 'DescribeSecret') };
}

before(async () => {
  serve = await startServe();
  ext = await startExtension({ upstreamUrl: serve.url, env: { SECRETS_MANAGER_TTL: '1' } });
  sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  await sm.send(new CreateSecretCommand({ Name: 'rotates', SecretString: 'v1' }));
});

after(async () => {
  sm?.destroy();
  await ext?.stop();
  await serve?.stop();
});

describe('revalidation on expiry', () => {
  test('nothing changed: one DescribeSecret, no GetSecretValue, the same value; after a rotation: DescribeSecret and GetSecretValue', async () => {
    const start = await calls();
    const first = await json('/secretsmanager/get?secretId=rotates');
    assert.equal(first.body.SecretString, 'v1');
    await sleep(1100);
    const mid = await calls();
    assert.equal(mid.get - start.get, 1);
    assert.equal(mid.describe - start.describe, 1, 'the first fetch learns NextRotationDate alongside');

    const again = await json('/secretsmanager/get?secretId=rotates');
    assert.deepEqual(again.body, first.body);
    const unchanged = await calls();
    assert.equal(unchanged.get - mid.get, 0, 'no GetSecretValue when the version did not move');
    assert.equal(unchanged.describe - mid.describe, 1);
    assert.equal(await revalidations('unchanged'), 1);
    assert.equal((await json('/secretsmanager/get?secretId=rotates')).cache, 'hit', 'kept for another TTL');

    await sm.send(new PutSecretValueCommand({ SecretId: 'rotates', SecretString: 'v2' }));
    await sleep(1100);
    const rotated = await json('/secretsmanager/get?secretId=rotates');
    assert.equal(rotated.body.SecretString, 'v2');
    const after = await calls();
    assert.equal(after.get - unchanged.get, 1);
    assert.equal(after.describe - unchanged.describe, 1);
    assert.equal(await revalidations('changed'), 1);
  });

  test('a stage moved onto the cached version (its VersionStages changed): fetched again', async () => {
    const prev = await json('/secretsmanager/get?secretId=rotates&versionStage=AWSPREVIOUS');
    assert.deepEqual(prev.body.VersionStages, ['AWSPREVIOUS']);
    await sm.send(
      new UpdateSecretVersionStageCommand({ SecretId: 'rotates', VersionStage: 'CUSTOM', MoveToVersionId: prev.body.VersionId }),
    );
    await sleep(1100);
    const before = await calls();
    const again = await json('/secretsmanager/get?secretId=rotates&versionStage=AWSPREVIOUS');
    assert.deepEqual(again.body.VersionStages.sort(), ['AWSPREVIOUS', 'CUSTOM']);
    assert.equal((await calls()).get - before.get, 1);
  });

  test('refreshNow fetches without asking DescribeSecret', async () => {
    const before = await calls();
    await json('/secretsmanager/get?secretId=rotates&refreshNow=true');
    const now = await calls();
    assert.equal(now.get - before.get, 1);
    assert.equal(now.describe - before.describe, 0);
  });
});

describe('NextRotationDate bounds an entry (fake upstream: no service schedules a rotation seconds away)', () => {
  const body = {
    ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:soon-AbCdEf',
    Name: 'soon',
    SecretString: 's',
    VersionId: 'v1',
    VersionStages: ['AWSCURRENT'],
    CreatedDate: 1,
  };
  function fakeUpstream(nextRotationInMs: number | undefined, counts: { get: number; describe: number }): Upstream {
    const unused = () => Promise.reject(new Error('not used'));
    return {
      forward: unused,
      getSecretValue: async () => {
        counts.get++;
        return body;
      },
      describeSecret: async () => {
        counts.describe++;
        return {
          VersionIdsToStages: { v1: ['AWSCURRENT'] },
          RotationEnabled: nextRotationInMs !== undefined,
          ...(nextRotationInMs !== undefined && { NextRotationDate: (Date.now() + nextRotationInMs) / 1000 }),
        };
      },
      getParameter: unused,
      getParameters: unused,
      batchGetSecretValue: unused,
      getParametersByPath: unused,
      close() {},
    };
  }
  const config = loadConfig({ AWS_REGION: 'us-east-1', AWS_TOKEN: 't', SECRETS_MANAGER_TTL: '300' }).config;

  test('a rotation due in 400 ms ends the entry then, not after 300 s', async () => {
    const counts = { get: 0, describe: 0 };
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0 });
    const lookup = new Lookup(config, cache, fakeUpstream(400, counts), new Metrics());
    const request = { kind: 'secret' as const, secretId: 'soon', refreshNow: false };
    await lookup.secret(request);
    await sleep(50);
    assert.ok(cache.peek(secretKey(request)), 'fresh at first');
    await sleep(450);
    assert.equal(cache.peek(secretKey(request)), undefined, 'expired at the NextRotationDate');
    assert.equal((await lookup.secret(request)).status, 'miss');
    assert.deepEqual(counts, { get: 1, describe: 2 }, 'revalidated: same version, no GetSecretValue');
  });

  test('no rotation scheduled: the TTL alone applies', async () => {
    const counts = { get: 0, describe: 0 };
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0 });
    const lookup = new Lookup(config, cache, fakeUpstream(undefined, counts), new Metrics());
    const request = { kind: 'secret' as const, secretId: 'soon', refreshNow: false };
    await lookup.secret(request);
    await sleep(500);
    assert.ok(cache.peek(secretKey(request)));
  });
});
