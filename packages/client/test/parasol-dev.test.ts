/**
 * The developer flow: start `parasol dev` (local service + extension in one process, seeded from
 * examples/seed.json), export the environment it prints, and use both entry points unchanged over real
 * sockets: extension mode reads through the extension, SDK mode talks to the local service.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CLI_SOURCE, type RunningProcess, spawnTs } from '../../../test-support/processes.js';
import * as extensionMode from '../src/extension/index.js';
import * as sdkMode from '../src/index.js';

let dev: RunningProcess;
const savedEnv = { ...process.env };

before(async () => {
  dev = await spawnTs(CLI_SOURCE, ['dev', '--port', '0', '--serve-port', '0', '--in-memory', '--seed', 'examples/seed.json'], {
    env: { AWS_TOKEN: '' }, // so parasol dev generates one and prints its export
    readyPattern: /export AWS_ENDPOINT_URL=.*\n/,
  });
  // Exactly what a developer pastes into a shell: the `export NAME=value ...` lines parasol dev prints.
  for (const line of dev.output().split('\n')) {
    const exports = line.trim().match(/^export (.*)$/);
    if (!exports) continue;
    for (const pair of exports[1].split(/\s+/)) {
      const eq = pair.indexOf('=');
      process.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});

after(async () => {
  process.env = savedEnv;
  await dev?.stop();
});

test('extension mode reads the seeded secrets and parameters through parasol dev', async () => {
  const creds = await extensionMode.getSecret('demo/db-credentials', { transform: 'json', throwOnMissing: true });
  assert.equal((creds as { username: string }).username, 'demo');
  const key = await extensionMode.getSecret('demo/signing-key');
  assert.ok(key instanceof Uint8Array, 'a SecretBinary arrives as bytes');
  assert.equal(Buffer.from(key).toString(), 'parasol local binary secret');
  assert.equal(await extensionMode.getParameter('/demo/config/webhook-secret', { decrypt: true }), 'whsec_local_only');
  assert.deepEqual(
    await extensionMode.getParametersByName({
      '/demo/config/feature/new-checkout': { transform: 'json' },
      '/demo/config/allowed-hosts': {},
    }),
    { '/demo/config/feature/new-checkout': true, '/demo/config/allowed-hosts': 'api.example.test,cdn.example.test' },
  );
  const batch = await extensionMode.getSecretsByName(['demo/api-key', 'demo/nope'], { throwOnError: false });
  assert.deepEqual(batch, { 'demo/api-key': 'sk_test_parasol_local_only', _errors: ['demo/nope'] });
});

test('SDK mode talks to the same local service: by path, write, then read back through the extension', async () => {
  const config = await sdkMode.getParameters('/demo/config', { recursive: true, decrypt: true, transform: 'auto' });
  assert.equal(config?.['feature/new-checkout'], 'true');
  assert.equal(config?.['webhook-secret'], 'whsec_local_only');
  const version = await sdkMode.setParameter('/demo/config/base-url', { value: 'https://changed.example.test', overwrite: true });
  assert.equal(version, 2);
  assert.equal(await extensionMode.getParameter('/demo/config/base-url', { forceFetch: true }), 'https://changed.example.test');
});
