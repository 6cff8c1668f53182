// The installed command: bin/parasol.cjs starts the bundles that `npm run build`
// writes (dist/serve/index.mjs, dist/extension/index.cjs) for `serve` and
// `extension`, and dist/main.js for the rest. Real processes, real sockets,
// the AWS SDK v3 and the extension's HTTP API. Needs the build (npm test builds).

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readBody } from '../../../test-support/bodies.ts';
import { nodeForCli, REPO_ROOT, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';

const BIN = join(REPO_ROOT, 'packages/cli/bin/parasol.cjs');
const children: ChildProcess[] = [];

after(async () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      const exited = once(c, 'exit');
      c.kill('SIGKILL');
      await exited;
    }
  }
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function start(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<RegExpMatchArray> {
  const child = spawn(nodeForCli(args), [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line from parasol ${args.join(' ')}: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d;
      const m = out.match(ready);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`parasol ${args.join(' ')} exited ${code}: ${out}`)));
  });
}

test('the bundles exist after the build', () => {
  assert.ok(existsSync(join(REPO_ROOT, 'packages/cli/dist/serve/index.mjs')));
  assert.ok(existsSync(join(REPO_ROOT, 'packages/cli/dist/extension/index.cjs')));
});

test('parasol serve (bundled) answers signed SDK calls; parasol extension (bundled) serves it from the cache', async () => {
  const [, url] = await start(['serve', '--port', '0', '--in-memory'], {}, /listening on (http:\/\/[^\s"]+)/);
  const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(url));
  const created = await sm.send(new CreateSecretCommand({ Name: 'bin/test', SecretString: 'bundled-value' }));
  assert.match(created.ARN ?? '', /^arn:aws:secretsmanager:us-east-1:123456789012:secret:bin\/test-/);
  sm.destroy();

  const token = 'bin-test-token-0123456789';
  const [, extUrl] = await start(
    ['extension', '--port', String(await freePort()), '--upstream', url],
    {
      AWS_TOKEN: token,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: '',
      AWS_LAMBDA_RUNTIME_API: '',
    },
    /listening on (http:\/\/[^\s"]+)/,
  );
  assert.equal(await (await fetch(`${extUrl}/ping`)).text(), 'healthy');
  const headers = { 'X-Aws-Parameters-Secrets-Token': token };
  const first = await fetch(`${extUrl}/secretsmanager/get?secretId=bin%2Ftest`, { headers });
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('x-parasol-cache'), 'miss');
  assert.equal((await readBody(first)).SecretString, 'bundled-value');
  const second = await fetch(`${extUrl}/secretsmanager/get?secretId=bin%2Ftest`, { headers });
  assert.equal(second.headers.get('x-parasol-cache'), 'hit');
  assert.equal((await readBody(second)).SecretString, 'bundled-value');
});

test('other commands go through dist/main.js: --help lists every command', () => {
  const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: parasol <command>/);
  for (const c of ['serve', 'extension', 'dev', 'layer']) assert.match(r.stdout, new RegExp(`\\n  ${c} `));
});
