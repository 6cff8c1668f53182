// Unit tests of the lookup between a parsed request and the cache: the cache
// key holds every selector, the upstream call carries exactly the request's
// selectors, and the TTLs follow the configuration. The upstream is an
// in-memory fake that records its calls (the real one is tested end to end in
// http.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ResponseCache } from '../src/cache.js';
import type { ExtensionConfig } from '../src/config.js';
import { Lookup, type ParameterRequest, parameterKey, type SecretRequest, secretKey } from '../src/lookup.js';
import { Metrics } from '../src/metrics.js';
import type { Upstream } from '../src/upstream/index.js';

const config = (over: Partial<ExtensionConfig> = {}) =>
  ({ cacheEnabled: true, cacheSize: 100, secretsManagerTtlSeconds: 300, ssmTtlSeconds: 60, ...over }) as ExtensionConfig;

function recordingUpstream() {
  const calls: unknown[] = [];
  const upstream = {
    async getSecretValue(input: unknown) {
      calls.push(input);
      return { Name: 'n', SecretString: `value-${calls.length}`, VersionId: 'v', VersionStages: ['AWSCURRENT'] };
    },
    async getParameter(input: { Name: string }) {
      calls.push(input);
      return input.Name === 'absent' ? {} : { Parameter: { Name: input.Name, Value: `value-${calls.length}`, Version: 3 } };
    },
  } as unknown as Upstream;
  return { calls, upstream };
}

const secret = (over: Partial<SecretRequest> = {}): SecretRequest => ({ kind: 'secret', secretId: 's', refreshNow: false, ...over });
const parameter = (over: Partial<ParameterRequest> = {}): ParameterRequest => ({
  kind: 'parameter',
  name: 'p',
  withDecryption: false,
  refreshNow: false,
  ...over,
});

describe('cache keys', () => {
  test('differ whenever any selector or withDecryption differs, and never collide across services', () => {
    const secretKeys = [
      secretKey({ secretId: 'a' }),
      secretKey({ secretId: 'b' }),
      secretKey({ secretId: 'a', versionId: 'v' }),
      secretKey({ secretId: 'a', versionStage: 'v' }),
      secretKey({ secretId: 'a', versionId: 'v', versionStage: 'AWSCURRENT' }),
    ];
    const parameterKeys = [
      parameterKey({ name: 'a', withDecryption: false }),
      parameterKey({ name: 'a', withDecryption: true }),
      parameterKey({ name: 'b', withDecryption: false }),
      parameterKey({ name: 'a', version: '1', withDecryption: false }),
      parameterKey({ name: 'a', label: '1', withDecryption: false }),
    ];
    const all = [...secretKeys, ...parameterKeys];
    assert.equal(new Set(all).size, all.length);
    assert.equal(secretKey({ secretId: 'a', versionId: 'v' }), secretKey({ secretId: 'a', versionId: 'v' }));
    assert.equal(secretKey({ secretId: 'a' }), 'sm\u0000a\u0000\u0000');
    assert.equal(parameterKey({ name: 'a', label: 'l', withDecryption: true }), 'ssm\u0000a\u0000\u0000l\u00001');
    // An absent selector is the empty field: no label value can collide with "no label".
    assert.equal(parameterKey({ name: 'a', withDecryption: false }), 'ssm\u0000a\u0000\u0000\u00000');
    assert.equal(secretKey({ secretId: 'a', versionStage: 'AWSCURRENT' }), 'sm\u0000a\u0000\u0000AWSCURRENT');
  });
});

describe('Lookup', () => {
  test('TTLs come from the configuration, and are 0 for both services when caching is off or the size is 0', () => {
    const { upstream } = recordingUpstream();
    const cache = new ResponseCache({ maxEntries: 10, maxStaleMs: 0 });
    const on = new Lookup(config(), cache, upstream, new Metrics());
    assert.deepEqual([on.secretTtlMs, on.parameterTtlMs], [300_000, 60_000]);
    const disabled = new Lookup(config({ cacheEnabled: false }), cache, upstream, new Metrics());
    assert.deepEqual([disabled.secretTtlMs, disabled.parameterTtlMs], [0, 0]);
    const sizeZero = new Lookup(config({ cacheSize: 0 }), cache, upstream, new Metrics());
    assert.deepEqual([sizeZero.secretTtlMs, sizeZero.parameterTtlMs], [0, 0]);
  });

  test('a secret request calls GetSecretValue with exactly its selectors, then answers from the cache', async () => {
    const { calls, upstream } = recordingUpstream();
    const lookup = new Lookup(config(), new ResponseCache({ maxEntries: 10, maxStaleMs: 0 }), upstream, new Metrics());
    const first = await lookup.secret(secret());
    assert.equal(first.status, 'miss');
    assert.equal(JSON.parse(first.value.toString()).SecretString, 'value-1');
    await lookup.secret(secret({ versionId: 'id-1' }));
    await lookup.secret(secret({ versionStage: 'AWSPREVIOUS' }));
    await lookup.secret(secret({ versionId: 'id-1', versionStage: 'AWSPREVIOUS' }));
    assert.deepEqual(calls, [
      { SecretId: 's' },
      { SecretId: 's', VersionId: 'id-1' },
      { SecretId: 's', VersionStage: 'AWSPREVIOUS' },
      { SecretId: 's', VersionId: 'id-1', VersionStage: 'AWSPREVIOUS' },
    ]);
    const again = await lookup.secret(secret());
    assert.equal(again.status, 'hit');
    assert.deepEqual(lookup.peek(secret()), first.value);
    assert.equal(calls.length, 4);
  });

  test('refreshNow skips the cache in peek and in the lookup, and replaces the entry', async () => {
    const { calls, upstream } = recordingUpstream();
    const lookup = new Lookup(config(), new ResponseCache({ maxEntries: 10, maxStaleMs: 0 }), upstream, new Metrics());
    await lookup.secret(secret());
    assert.equal(lookup.peek(secret({ refreshNow: true })), undefined);
    const refreshed = await lookup.secret(secret({ refreshNow: true }));
    assert.equal(refreshed.status, 'refresh');
    assert.equal(JSON.parse(refreshed.value.toString()).SecretString, 'value-2');
    assert.equal(JSON.parse(lookup.peek(secret())!.toString()).SecretString, 'value-2');
    assert.equal(calls.length, 2);
    const parameterRefresh = await lookup.parameter(parameter({ refreshNow: true }));
    assert.equal(parameterRefresh.status, 'refresh');
  });

  test('a parameter request names its selector as name:selector and passes WithDecryption; secrets and parameters do not share entries', async () => {
    const { calls, upstream } = recordingUpstream();
    const lookup = new Lookup(config(), new ResponseCache({ maxEntries: 10, maxStaleMs: 0 }), upstream, new Metrics());
    await lookup.parameter(parameter());
    await lookup.parameter(parameter({ version: '2' }));
    await lookup.parameter(parameter({ label: 'blue', withDecryption: true }));
    assert.deepEqual(calls, [
      { Name: 'p', WithDecryption: false },
      { Name: 'p:2', WithDecryption: false },
      { Name: 'p:blue', WithDecryption: true },
    ]);
    assert.equal(lookup.peek(secret({ secretId: 'p' })), undefined);
    assert.equal(JSON.parse(lookup.peek(parameter())!.toString()).Parameter.Value, 'value-1');
    const absent = JSON.parse((await lookup.parameter(parameter({ name: 'absent' }))).value.toString());
    assert.equal(absent.Parameter.Name, null);
    assert.equal(absent.Parameter.Version, 0);
  });

  test('with caching off every request goes upstream and nothing is kept', async () => {
    const { calls, upstream } = recordingUpstream();
    const lookup = new Lookup(
      config({ cacheEnabled: false }),
      new ResponseCache({ maxEntries: 10, maxStaleMs: 0 }),
      upstream,
      new Metrics(),
    );
    assert.equal((await lookup.secret(secret())).status, 'miss');
    assert.equal((await lookup.secret(secret())).status, 'miss');
    assert.equal((await lookup.parameter(parameter())).status, 'miss');
    assert.equal((await lookup.parameter(parameter())).status, 'miss');
    assert.equal(lookup.peek(secret()), undefined);
    assert.equal(calls.length, 4);
  });
});
