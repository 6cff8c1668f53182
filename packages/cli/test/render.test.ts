/**
 * `parasol render` as a real process against a real `parasol serve` (through
 * a real `parasol extension` and directly): the examples in examples/render
 * (.env, JSON, PEM) rendered from examples/seed.json's data, mode 0600,
 * atomic replacement under a reader in a loop, a missing REF refused and
 * named, and --watch actions (signal a pid file, run a command).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type ExtensionProcess, startExtension } from '../../../test-support/extension.js';
import { REPO_ROOT, type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';
import { BOUNDED_LOOP, baseEnv, type CliProcess, kill, lines, runCli, waitFor } from './exec-support.js';

const EXAMPLES = join(REPO_ROOT, 'examples/render');
const seed = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/seed.json'), 'utf8')) as {
  secrets: { name: string; value?: unknown; binary?: string }[];
  parameters: { name: string; value: string; type: 'String' | 'StringList' | 'SecureString' }[];
};
/** A password that needs quoting everywhere: sh, JSON. */
const PASSWORD = `p'a"ss $HOME \`x\` \\ ${randomBytes(4).toString('hex')}`;
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_PEM = publicKey.export({ type: 'spki', format: 'pem' }).toString();

let serve: ServeProcess;
let ext: ExtensionProcess;
let sm: SecretsManagerClient;
let work: string;
const started: CliProcess[] = [];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'parasol-render-test-'));
  serve = await startServe();
  ext = await startExtension({ upstreamUrl: serve.url, env: { SECRETS_MANAGER_TTL: '1', SSM_PARAMETER_STORE_TTL: '1' } });
  sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  const ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  for (const s of seed.secrets) {
    let value = s.value;
    if (s.name === 'demo/db-credentials') value = { ...(value as object), password: PASSWORD };
    await sm.send(
      new CreateSecretCommand(
        s.binary
          ? { Name: s.name, SecretBinary: Buffer.from(s.binary, 'base64') }
          : { Name: s.name, SecretString: typeof value === 'string' ? value : JSON.stringify(value) },
      ),
    );
  }
  // examples/render/tls.pem.hbs reads demo/tls ({certificate, private_key}), not in seed.json: a fresh key here.
  await sm.send(
    new CreateSecretCommand({ Name: 'demo/tls', SecretString: JSON.stringify({ certificate: PUBLIC_PEM, private_key: PRIVATE_PEM }) }),
  );
  for (const p of seed.parameters) await ssm.send(new PutParameterCommand({ Name: p.name, Value: p.value, Type: p.type }));
  ssm.destroy();
});

after(async () => {
  for (const p of started) await kill(p);
  sm?.destroy();
  await ext?.stop();
  await serve?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const viaExtension = () => baseEnv({ AWS_TOKEN: ext.token, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(ext.port) });
const direct = () =>
  baseEnv({ AWS_ENDPOINT_URL: serve.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });

function render(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const p = runCli(['render', ...args], env);
  started.push(p);
  return p;
}

async function renderOnce(template: string, out: string, env: NodeJS.ProcessEnv, extra: string[] = []): Promise<string> {
  const p = render(['--template', template, '--out', out, ...extra], env);
  assert.equal(await p.status, 0, p.stderr());
  assert.equal(p.stdout(), '', 'nothing on stdout');
  assert.equal(p.stderr(), '', 'nothing on stderr');
  return readFile(out, 'utf8');
}

describe('parasol render: the examples', () => {
  test('.env (through the extension): sh-quoted values that round-trip through `. file`, mode 0600', async () => {
    const out = join(work, 'app.env');
    const text = await renderOnce(join(EXAMPLES, 'app.env.hbs'), out, viaExtension());
    assert.equal((await stat(out)).mode & 0o777, 0o600);
    assert.match(text, /^DB_PORT=5432$/m);
    const sourced = spawnSync(
      '/bin/sh',
      ['-c', `set -a; . '${out}'; printf '%s\\0' "$DB_PASSWORD" "$DB_USER" "$BASE_URL" "$WEBHOOK_SECRET" "$API_KEY"`],
      {
        encoding: 'utf8',
        env: {},
      },
    );
    assert.equal(sourced.status, 0, sourced.stderr);
    assert.deepEqual(sourced.stdout.split('\0').slice(0, 5), [
      PASSWORD,
      'demo',
      'https://api.example.test',
      'whsec_local_only',
      'sk_test_parasol_local_only',
    ]);
  });

  test('JSON (directly from the service): parses to the values, quotes escaped', async () => {
    const out = join(work, 'config.json');
    const text = await renderOnce(join(EXAMPLES, 'config.json.hbs'), out, direct(), ['--source', 'service']);
    assert.deepEqual(JSON.parse(text), {
      database: { host: '127.0.0.1', port: 5432, username: 'demo', password: PASSWORD },
      baseUrl: 'https://api.example.test',
      allowedHosts: 'api.example.test,cdn.example.test',
      newCheckout: true,
    });
  });

  test('PEM: the key and public key read back with node:crypto; --mode 0640 honoured', async () => {
    const out = join(work, 'tls.pem');
    const text = await renderOnce(join(EXAMPLES, 'tls.pem.hbs'), out, viaExtension(), ['--mode', '0640']);
    assert.equal((await stat(out)).mode & 0o777, 0o640);
    assert.equal(createPublicKey(text).asymmetricKeyType, 'ec');
    assert.ok(
      createPrivateKey(text.slice(text.indexOf('-----BEGIN PRIVATE KEY-----')))
        .export({ type: 'pkcs8', format: 'pem' })
        .toString() === PRIVATE_PEM,
    );
  });
});

describe('parasol render: errors change nothing', () => {
  test('a REF that does not resolve: status 1, each named, the existing file untouched and no temporary file left', async () => {
    const out = join(work, 'kept.txt');
    await writeFile(out, 'previous content\n', { mode: 0o600 });
    const template = join(work, 'missing.hbs');
    await writeFile(
      template,
      'a={{secret "demo/db-credentials:password"}}\nb={{secret "demo/nope"}}\nc={{parameter "/demo/nope"}}\nd={{secret "demo/db-credentials:nokey"}}\n',
    );
    const p = render(['--template', template, '--out', out], viaExtension());
    assert.equal(await p.status, 1);
    assert.match(p.stderr(), /parasol render: 3 reference\(s\) did not resolve, nothing written:/);
    assert.match(p.stderr(), /demo\/nope: ResourceNotFoundException/);
    assert.match(p.stderr(), /\/demo\/nope: ParameterNotFound/);
    assert.match(p.stderr(), /demo\/db-credentials:nokey: JsonKeyNotFound: secret 'demo\/db-credentials' has no JSON key 'nokey'/);
    assert.ok(!p.stderr().includes(PASSWORD));
    assert.equal(await readFile(out, 'utf8'), 'previous content\n');
    assert.deepEqual(
      (await readdir(work)).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('a template error or an unknown name is refused with its place in the template', async () => {
    const template = join(work, 'broken.hbs');
    await writeFile(template, 'x={{secret "demo/api-key"}\n');
    const broken = render(['--template', template, '--out', join(work, 'never.txt')], viaExtension());
    assert.equal(await broken.status, 1);
    assert.match(broken.stderr(), /parasol render: .*broken\.hbs: Parse error on line 1/);
    await writeFile(template, 'x={{password}}\n');
    const unknown = render(['--template', template, '--out', join(work, 'never.txt')], viaExtension());
    assert.equal(await unknown.status, 1);
    assert.match(unknown.stderr(), /"password" not defined/);
    assert.equal(existsSync(join(work, 'never.txt')), false);
  });
});

describe('parasol render --watch', () => {
  test('atomic replacement: a reader in a loop sees only whole versions, every file in the directory stays 0600', async () => {
    const dir = await mkdtemp(join(work, 'atomic-'));
    const big = (n: number) => `BEGIN-${n}-${String(n % 10).repeat(60_000)}-END-${n}`;
    await sm.send(new CreateSecretCommand({ Name: 'render/big', SecretString: big(0) }));
    const template = join(work, 'big.hbs');
    await writeFile(template, `${'{{secret "render/big"}}\n'.repeat(20)}`); // ~1.2 MB per version
    const out = join(dir, 'big.txt');
    const p = render(['--template', template, '--out', out, '--watch', '--interval', '0.1', '--source', 'service'], direct());
    await waitFor('the first render', () => (existsSync(out) ? true : undefined));

    let stop = false;
    const seen = new Set<number>();
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        const text = await readFile(out, 'utf8');
        const versions = text.split('\n').filter(Boolean);
        assert.equal(versions.length, 20, `a partial file (${text.length} bytes)`);
        const n = Number(versions[0].split('-')[1]);
        for (const v of versions) assert.equal(v, big(n), 'a mixed or partial file');
        seen.add(n);
        reads++;
        for (const f of await readdir(dir)) {
          const mode = await stat(join(dir, f)).then(
            (s) => s.mode & 0o777,
            () => 0o600, // a temporary file renamed away between readdir and stat
          );
          assert.equal(mode, 0o600, `${f} has mode ${mode.toString(8)}`);
        }
      }
    })();
    for (let n = 1; n <= 8; n++) {
      await sm.send(new PutSecretValueCommand({ SecretId: 'render/big', SecretString: big(n) }));
      await waitFor(`version ${n} rendered`, () => (seen.has(n) ? true : undefined), 15_000);
    }
    stop = true;
    await reader;
    assert.ok(reads > 20, `${reads} reads`);
    assert.ok(seen.size >= 8, `saw versions ${[...seen]}`);
    p.child.kill('SIGTERM');
    assert.equal(await p.status, 0, 'SIGTERM stops --watch cleanly');
    assert.deepEqual(await readdir(dir), ['big.txt'], 'no temporary file left');
  });

  test('signal:HUP:PIDFILE (through the extension, TTL 1 s): the process in the pid file gets SIGHUP after the file changed', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'render/signal', SecretString: 'first' }));
    const template = join(work, 'signal.hbs');
    await writeFile(template, 'value={{secret "render/signal"}}\n');
    const out = join(work, 'signal.txt');
    const pidFile = join(work, 'app.pid');
    const events = join(work, 'app.events');
    const app = spawnSync('/bin/sh', ['-c', `(trap 'cat ${out} >> ${events}' HUP; ${BOUNDED_LOOP}) & echo $! > ${pidFile}`], {
      stdio: 'ignore',
    });
    assert.equal(app.status, 0);
    const appPid = Number((await readFile(pidFile, 'utf8')).trim());
    try {
      // The poll interval is the cache TTL from parasol's own environment (set as the extension's is).
      const p = render(['--template', template, '--out', out, '--watch', '--on-change', `signal:HUP:${pidFile}`], {
        ...viaExtension(),
        SECRETS_MANAGER_TTL: '1',
      });
      await waitFor('the first render', async () => ((await readFile(out, 'utf8').catch(() => '')) === 'value=first\n' ? true : undefined));
      const put = Date.now();
      await sm.send(new PutSecretValueCommand({ SecretId: 'render/signal', SecretString: 'second' }));
      await waitFor('SIGHUP in the app', async () => ((await lines(events)).length > 0 ? true : undefined), 15_000).catch((e: Error) => {
        throw new Error(`${e.message}; parasol render said:\n${p.stderr()}`);
      });
      assert.deepEqual(await lines(events), ['value=second'], 'signalled after the new file was in place');
      assert.ok(Date.now() - put < 1000 + 1500, 'within the TTL (1 s) + 1.5 s');
      assert.match(p.stderr(), new RegExp(`re-rendered: sent SIGHUP to process ${appPid}`));
      p.child.kill('SIGTERM');
      assert.equal(await p.status, 0);
    } finally {
      process.kill(appPid, 'SIGKILL');
    }
  });

  test('run:CMD: the command runs after the file changed', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'render/run', SecretString: 'one' }));
    const template = join(work, 'run.hbs');
    await writeFile(template, '{{secret "render/run"}}\n');
    const out = join(work, 'run.txt');
    const log = join(work, 'run.log');
    const p = render(
      [
        '--template',
        template,
        '--out',
        out,
        '--watch',
        '--interval',
        '0.2',
        '--source',
        'service',
        '--on-change',
        `run:cat ${out} >> ${log}`,
      ],
      direct(),
    );
    await waitFor('the first render', () => (existsSync(out) ? true : undefined));
    await sm.send(new PutSecretValueCommand({ SecretId: 'render/run', SecretString: 'two' }));
    await waitFor('the command', async () => ((await lines(log)).length > 0 ? true : undefined), 15_000);
    assert.deepEqual(await lines(log), ['two']);
    p.child.kill('SIGTERM');
    assert.equal(await p.status, 0);
  });
});
