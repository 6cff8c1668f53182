/**
 * `parasol exec` as a real process against a real `parasol serve`, reading
 * through a real `parasol extension` and directly (signed): the child's
 * environment, --pristine, exit status and signals, a missing REF refused
 * and named, no value in any command line or log line, --watch after a
 * PutSecretValue (restart, signal, command).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LabelParameterVersionCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type ExtensionProcess, freePort, startExtension, upstreamCalls } from '../../../test-support/extension.js';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';
import { BOUNDED_LOOP, baseEnv, type CliProcess, kill, lines, parseEnv0, runCli, waitFor } from './exec-support.js';

const TTL_SECONDS = 2;
const unique = () => randomBytes(6).toString('hex');
/** Every value put in the store, so no log line may contain any of them. */
const VALUES: string[] = [];
const value = (label: string) => {
  const v = `${label}-s3cr3t-${unique()}`;
  VALUES.push(v);
  return v;
};

const PASSWORD = value('password');
const USERNAME = value('user');
const OLD_TOKEN = value('old-token');
const NEW_TOKEN = value('new-token');
const DB_URL = value('postgres://db');
const LABELED_1 = value('labeled-1');
const LABELED_2 = value('labeled-2');

let serve: ServeProcess;
let ext: ExtensionProcess;
let sm: SecretsManagerClient;
let ssm: SSMClient;
let work: string;
const logs: string[] = [];
const started: CliProcess[] = [];

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'parasol-exec-test-'));
  serve = await startServe();
  ext = await startExtension({
    upstreamUrl: serve.url,
    env: { SECRETS_MANAGER_TTL: String(TTL_SECONDS), SSM_PARAMETER_STORE_TTL: String(TTL_SECONDS) },
  });
  sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  await sm.send(
    new CreateSecretCommand({ Name: 'exec/db', SecretString: JSON.stringify({ username: USERNAME, password: PASSWORD, port: 5432 }) }),
  );
  await sm.send(new CreateSecretCommand({ Name: 'exec/rotating', SecretString: OLD_TOKEN }));
  await sm.send(new PutSecretValueCommand({ SecretId: 'exec/rotating', SecretString: NEW_TOKEN }));
  await ssm.send(new PutParameterCommand({ Name: '/exec/app/db-url', Value: DB_URL, Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/exec/app/feature.flag', Value: 'on', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/exec/labeled', Value: LABELED_1, Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/exec/labeled', Value: LABELED_2, Type: 'String', Overwrite: true }));
  await ssm.send(new LabelParameterVersionCommand({ Name: '/exec/labeled', ParameterVersion: 1, Labels: ['stable'] }));
});

after(async () => {
  for (const p of started) await kill(p);
  sm?.destroy();
  ssm?.destroy();
  await ext?.stop();
  await serve?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Environment that reaches the extension (token + port). */
function viaExtension(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return baseEnv({ AWS_TOKEN: ext.token, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(ext.port), ...extra });
}

/** Environment that reaches `parasol serve` directly (signed with test credentials). */
function direct(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return baseEnv({
    AWS_ENDPOINT_URL: serve.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ...extra,
  });
}

function exec(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const p = runCli(['exec', ...args], env);
  started.push(p);
  p.status.then(() => logs.push(p.stderr()));
  return p;
}

/** Runs `parasol exec … -- env -0` and returns the child's environment. */
async function childEnv(args: string[], env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const p = exec([...args, '--', 'env', '-0'], env);
  assert.equal(await p.status, 0, p.stderr());
  return parseEnv0(p.stdout());
}

const ALL_REFS = [
  '--env',
  'DB_USER=sm:exec/db:username',
  '--env',
  'DB_PASSWORD=sm:exec/db:password',
  '--env',
  'DB_PORT=sm:exec/db:port',
  '--env',
  'DB_JSON=sm:exec/db',
  '--env',
  'TOKEN_PREVIOUS=sm:exec/rotating::AWSPREVIOUS',
  '--env',
  'TOKEN=sm:exec/rotating',
  '--env',
  'DB_URL=ssm:/exec/app/db-url',
  '--env',
  'STABLE=ssm:/exec/labeled:stable',
  '--env',
  'FIRST=ssm:/exec/labeled:1',
];

function assertAllRefs(env: Map<string, string>): void {
  assert.equal(env.get('DB_USER'), USERNAME);
  assert.equal(env.get('DB_PASSWORD'), PASSWORD);
  assert.equal(env.get('DB_PORT'), '5432', 'a JSON number as its JSON text');
  assert.deepEqual(JSON.parse(env.get('DB_JSON')!), { username: USERNAME, password: PASSWORD, port: 5432 });
  assert.equal(env.get('TOKEN_PREVIOUS'), OLD_TOKEN);
  assert.equal(env.get('TOKEN'), NEW_TOKEN);
  assert.equal(env.get('DB_URL'), DB_URL, 'SecureString decrypted');
  assert.equal(env.get('STABLE'), LABELED_1);
  assert.equal(env.get('FIRST'), LABELED_1);
}

describe('parasol exec: the child environment', () => {
  test('through the extension (chosen automatically when it answers): every REF form, PARASOL_ENV_* read and removed, the rest passed on, batched', async () => {
    // An extension with the batch routes (BatchGetSecretValue / GetParameters) is asked once per service; one without, once per read.
    const probe = await fetch(`${ext.url}/secretsmanager/batchget?secretId=exec%2Fprobe`, { headers: ext.headers });
    const batch = probe.status !== 404;
    const apis = ['GetSecretValue', 'BatchGetSecretValue', 'GetParameter', 'GetParameters'];
    const before = await Promise.all(apis.map((api) => upstreamCalls(ext, api)));
    const env = await childEnv(ALL_REFS, viaExtension({ PARASOL_ENV_FROM_VARIABLE: 'sm:exec/db:username', KEEP_ME: 'kept' }));
    assertAllRefs(env);
    assert.equal(env.get('FROM_VARIABLE'), USERNAME);
    assert.equal(env.has('PARASOL_ENV_FROM_VARIABLE'), false, 'PARASOL_ENV_* is removed from the child');
    assert.equal(env.get('KEEP_ME'), 'kept');
    const calls = (await Promise.all(apis.map((api) => upstreamCalls(ext, api)))).map((n, i) => n - before[i]);
    // exec/db is read once for its three keys and the whole; exec/rotating twice (AWSCURRENT, AWSPREVIOUS);
    // three parameter reads (/exec/app/db-url, /exec/labeled:stable, /exec/labeled:1).
    assert.deepEqual(
      Object.fromEntries(apis.map((api, i) => [api, calls[i]])),
      batch
        ? { GetSecretValue: 1, BatchGetSecretValue: 1, GetParameter: 0, GetParameters: 1 }
        : { GetSecretValue: 3, BatchGetSecretValue: 0, GetParameter: 3, GetParameters: 0 },
      `upstream calls through the extension (batch routes: ${batch})`,
    );
  });

  test('directly from the service (--source service): every REF form, and --path named the chamber way', async () => {
    const env = await childEnv([...ALL_REFS, '--source', 'service', '--path', '/exec/app/'], direct());
    assertAllRefs(env);
    assert.equal(env.get('FEATURE_FLAG'), 'on', '/exec/app/feature.flag → FEATURE_FLAG');
  });

  test('--path beside the extension: values through the extension, the path from the service (no by-path route there)', async () => {
    const env = await childEnv(
      ['--env', 'PW=sm:exec/db:password', '--path', '/exec/app/'],
      viaExtension({ AWS_ENDPOINT_URL: serve.url, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' }),
    );
    assert.equal(env.get('PW'), PASSWORD);
    assert.equal(env.get('DB_URL'), DB_URL);
    assert.equal(env.get('FEATURE_FLAG'), 'on');
  });

  test('auto without an extension listening reads the service directly', async () => {
    const env = await childEnv(
      ['--env', 'PW=sm:exec/db:password'],
      direct({ AWS_TOKEN: 'x', PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(await freePort()) }),
    );
    assert.equal(env.get('PW'), PASSWORD);
  });

  test('--pristine: only PATH, HOME and the resolved names', async () => {
    const env = await childEnv(['--pristine', '--env', 'DB_PASSWORD=sm:exec/db:password'], viaExtension({ OTHER: 'x' }));
    assert.deepEqual([...env.keys()].sort(), ['DB_PASSWORD', 'HOME', 'PATH']);
    assert.equal(env.get('DB_PASSWORD'), PASSWORD);
  });
});

describe('parasol exec: exit status and signals', () => {
  test("the child's exit code is parasol's", async () => {
    const p = exec(['--env', 'A=sm:exec/db:username', '--', 'sh', '-c', 'exit 7'], viaExtension());
    assert.equal(await p.status, 7);
  });

  test('a child killed by a signal gives 128 + its number (SIGKILL → 137), as a shell reports it', async () => {
    const p = exec(['--env', 'A=sm:exec/db:username', '--', 'sh', '-c', 'kill -KILL $$'], viaExtension());
    assert.equal(await p.status, 137);
  });

  test('SIGTERM and SIGINT to parasol reach the child (a trap exits 42; no trap → 130 for SIGINT)', async () => {
    const ready = join(work, `ready-${unique()}`);
    const trapping = exec(
      ['--env', 'A=sm:exec/db:username', '--', 'sh', '-c', `trap 'exit 42' TERM; touch ${ready}; ${BOUNDED_LOOP}`],
      viaExtension(),
    );
    await waitFor('the trapping child', () => (existsSync(ready) ? true : undefined));
    trapping.child.kill('SIGTERM');
    assert.equal(await trapping.status, 42);

    const ready2 = join(work, `ready-${unique()}`);
    const plain = exec(['--env', 'A=sm:exec/db:username', '--', 'sh', '-c', `touch ${ready2}; exec sleep 30`], viaExtension());
    await waitFor('the plain child', () => (existsSync(ready2) ? true : undefined));
    plain.child.kill('SIGINT');
    assert.equal(await plain.status, 130);
  });

  test('a command that does not exist: 127, named', async () => {
    const p = exec(['--env', 'A=sm:exec/db:username', '--', 'no-such-command-parasol'], viaExtension());
    assert.equal(await p.status, 127);
    assert.match(p.stderr(), /parasol exec: cannot run 'no-such-command-parasol': command not found/);
  });
});

describe('parasol exec: references that do not resolve', () => {
  test('refused before the child starts, each named with its REF and reason (status 125)', async () => {
    const marker = join(work, `started-${unique()}`);
    const p = exec(
      [
        '--env',
        'OK=sm:exec/db:password',
        '--env',
        'GONE=sm:exec/no-such-secret',
        '--env',
        'NOKEY=sm:exec/db:no-such-key',
        '--env',
        'NOPARAM=ssm:/exec/no-such-parameter',
        '--',
        'touch',
        marker,
      ],
      viaExtension(),
    );
    assert.equal(await p.status, 125);
    assert.equal(existsSync(marker), false, 'the child never started');
    const err = p.stderr();
    assert.match(err, /3 reference\(s\) did not resolve, so touch was not started \(--allow-missing starts it anyway\)/);
    assert.match(err, /GONE \(sm:exec\/no-such-secret: ResourceNotFoundException: /);
    assert.match(err, /NOKEY \(sm:exec\/db:no-such-key: JsonKeyNotFound: secret 'exec\/db' has no JSON key 'no-such-key'\)/);
    assert.match(err, /NOPARAM \(ssm:\/exec\/no-such-parameter: ParameterNotFound/);
    assert.doesNotMatch(err, /OK \(/);
  });

  test('--allow-missing starts the child without them, with a warning each', async () => {
    const env = await childEnv(
      ['--allow-missing', '--env', 'OK=sm:exec/db:password', '--env', 'GONE=sm:exec/no-such-secret'],
      viaExtension(),
    );
    assert.equal(env.get('OK'), PASSWORD);
    assert.equal(env.has('GONE'), false);
  });

  test('a malformed REF or name is refused up front', async () => {
    const bad = exec(['--env', 'X=vault:foo', '--', 'true'], viaExtension());
    assert.equal(await bad.status, 125);
    assert.match(bad.stderr(), /reference 'vault:foo' must start with sm: \(Secrets Manager\) or ssm: \(Parameter Store\)/);
    const name = exec(['--env', '1X=sm:a', '--', 'true'], viaExtension());
    assert.equal(await name.status, 125);
    assert.match(name.stderr(), /--env: '1X' is not a valid variable name/);
    const noCommand = exec(['--env', 'X=sm:a'], viaExtension());
    assert.equal(await noCommand.status, 125);
    assert.match(noCommand.stderr(), /give the command after --/);
  });
});

describe('parasol exec: values stay out of command lines and logs', () => {
  test('no value in /proc/<pid>/cmdline of any process while the child runs; the child has it in its environment', async () => {
    const pidFile = join(work, `pid-${unique()}`);
    const p = exec(['--env', 'DB_PASSWORD=sm:exec/db:password', '--', 'sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`], viaExtension());
    const childPid = await waitFor('the child pid', async () => (await lines(pidFile))[0]);
    await new Promise((r) => setTimeout(r, 200)); // let `exec sleep` replace the shell
    const environ = await readFile(`/proc/${childPid}/environ`, 'utf8');
    assert.ok(environ.split('\0').includes(`DB_PASSWORD=${PASSWORD}`), "the value is in the child's environment");
    let scanned = 0;
    for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      scanned++;
      for (const v of VALUES) assert.ok(!cmdline.includes(v), `a value appears in /proc/${pid}/cmdline`);
    }
    assert.ok(scanned > 3);
    const parasolCmdline = await readFile(`/proc/${p.child.pid}/cmdline`, 'utf8');
    assert.match(parasolCmdline, /DB_PASSWORD=sm:exec\/db:password/, 'the REF, not the value, is on parasol’s command line');
    p.child.kill('SIGTERM');
    assert.equal(await p.status, 143);
  });
});

describe('parasol exec --watch: after a PutSecretValue, within one TTL', () => {
  /** Puts a new value into `secretId` and returns when (ms) it was put. */
  async function rotate(secretId: string, next: string): Promise<number> {
    await sm.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: next }));
    return Date.now();
  }

  test('restart (through the extension, interval = SECRETS_MANAGER_TTL): the new child has the new value', async () => {
    const first = value('watch-restart-1');
    const second = value('watch-restart-2');
    await sm.send(new CreateSecretCommand({ Name: 'exec/watch-restart', SecretString: first }));
    const starts = join(work, `starts-${unique()}`);
    const p = exec(
      [
        '--watch',
        '--env',
        'V=sm:exec/watch-restart',
        '--',
        'sh',
        '-c',
        `printf '%s\\n' "$V" >> ${starts}; trap 'exit 0' TERM; ${BOUNDED_LOOP}`,
      ],
      viaExtension({ SECRETS_MANAGER_TTL: String(TTL_SECONDS) }),
    );
    await waitFor('the first child', async () => ((await lines(starts)).length === 1 ? true : undefined));
    const put = await rotate('exec/watch-restart', second);
    await waitFor('the restarted child', async () => ((await lines(starts)).length === 2 ? true : undefined), 15_000);
    const took = Date.now() - put;
    assert.deepEqual(await lines(starts), [first, second]);
    assert.ok(
      took < TTL_SECONDS * 1000 + 1500,
      `restarted ${took} ms after the put (TTL ${TTL_SECONDS} s + 1.5 s for the poll and the restart)`,
    );
    assert.match(p.stderr(), /parasol exec: V changed: restarting sh/);
    p.child.kill('SIGTERM');
    assert.equal(await p.status, 0, 'the child traps TERM and exits 0');
  });

  test('signal:HUP (directly, --interval 1): the child gets SIGHUP and keeps running', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'exec/watch-signal', SecretString: value('watch-signal-1') }));
    const events = join(work, `events-${unique()}`);
    const p = exec(
      [
        '--source',
        'service',
        '--watch',
        '--interval',
        '1',
        '--on-change',
        'signal:HUP',
        '--env',
        'V=sm:exec/watch-signal',
        '--',
        'sh',
        '-c',
        `trap 'echo hup >> ${events}' HUP; echo start >> ${events}; ${BOUNDED_LOOP}`,
      ],
      direct(),
    );
    await waitFor('the child', async () => ((await lines(events)).length === 1 ? true : undefined));
    const put = await rotate('exec/watch-signal', value('watch-signal-2'));
    await waitFor('SIGHUP in the child', async () => ((await lines(events)).length === 2 ? true : undefined), 15_000);
    const took = Date.now() - put;
    assert.deepEqual(await lines(events), ['start', 'hup'], 'signalled, not restarted');
    assert.ok(took < 1000 + 1500, `signalled ${took} ms after the put (interval 1 s + 1.5 s)`);
    p.child.kill('SIGTERM');
    assert.equal(await p.status, 143, 'SIGTERM passed on; the child dies of it');
  });

  test('run:CMD (through the extension): the command runs with the new value in its environment', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'exec/watch-run', SecretString: value('watch-run-1') }));
    const second = value('watch-run-2');
    const ran = join(work, `ran-${unique()}`);
    const ready = join(work, `ready-${unique()}`);
    const p = exec(
      [
        '--watch',
        '--on-change',
        `run:printf '%s\\n' "$V" >> ${ran}`,
        '--env',
        'V=sm:exec/watch-run',
        '--',
        'sh',
        '-c',
        `touch ${ready}; ${BOUNDED_LOOP}`,
      ],
      viaExtension({ SECRETS_MANAGER_TTL: String(TTL_SECONDS) }),
    );
    await waitFor('the child', () => (existsSync(ready) ? true : undefined));
    const put = await rotate('exec/watch-run', second);
    await waitFor('the on-change command', async () => ((await lines(ran)).length === 1 ? true : undefined), 15_000);
    const took = Date.now() - put;
    assert.deepEqual(await lines(ran), [second]);
    assert.ok(took < TTL_SECONDS * 1000 + 1500, `ran ${took} ms after the put`);
    p.child.kill('SIGTERM');
    assert.equal(await p.status, 143);
  });
});

describe('logs', () => {
  test("no value in any line parasol exec, the extension or parasol serve wrote (the children's own output aside)", async () => {
    await new Promise((r) => setTimeout(r, 100));
    const all = [...logs, ...started.map((p) => p.stderr()), ext.output(), serve.output()].join('\n');
    assert.ok(all.length > 0);
    for (const v of VALUES) assert.ok(!all.includes(v), `a value appears in a log line (${v.split('-s3cr3t-')[0]})`);
  });
});
