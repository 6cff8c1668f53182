/**
 * `parasol layer build`: builds the three layer zips ONCE (through the CLI,
 * from source), unpacks each into a temporary /opt-like folder, and runs the
 * extension from there against a FAKE Lambda Runtime API (the real one only
 * exists inside Lambda) and a real `parasol serve`: it must register under
 * its file name, serve a secret, and exit 0 on SHUTDOWN.
 * The arm64 executable is checked statically (aarch64 ELF, SEA fuse set,
 * bundle inside the NODE_SEA_BLOB note) and run under qemu-user when
 * qemu-aarch64-static and an aarch64 loader are installed.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { handler as exampleHandler } from '../../../examples/lambda/handler.js';
import { CLI_SOURCE, REPO_ROOT, type ServeProcess, startServe, TEST_CLIENT_CONFIG, TS_NODE_ARGS } from '../../../test-support/processes.js';
import { bundleStandalone, defaultExtensionEntry } from '../src/layer/bundle.js';
import { inspectElf } from '../src/layer/elf.js';
import { verifySeaExecutable } from '../src/layer/sea.js';
import { readZip, writeZip, ZipError } from '../src/layer/zip.js';
import { FakeLambdaRuntimeApi } from './layer-fake-runtime-api.js';

const QEMU_ROOTS = ['/usr/aarch64-linux-gnu', '/'];
/** qemu-user for running the arm64 executable here, with a sysroot that has the aarch64 dynamic loader. */
const qemu = (() => {
  const bin = ['/usr/bin/qemu-aarch64-static', '/usr/bin/qemu-aarch64'].find(existsSync);
  const root = QEMU_ROOTS.find((r) => existsSync(join(r, 'lib/ld-linux-aarch64.so.1')));
  return bin && root ? { bin, root } : undefined;
})();

const SECRET_NAME = 'layer/test-secret';
const SECRET_VALUE = '{"username":"demo","password":"layer-test-value"}';
const PARAMETER_NAME = '/layer/test/feature/new-checkout';
const TOKEN = 'layer-test-session-token';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [...TS_NODE_ARGS, CLI_SOURCE, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Unpacks a layer zip the way Lambda does into `opt` (files with their modes). */
async function unpack(zipPath: string, opt: string): Promise<string[]> {
  const entries = readZip(await readFile(zipPath));
  for (const e of entries) {
    const target = join(opt, e.path);
    if (e.isDirectory) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, e.data);
    await chmod(target, e.mode);
  }
  return entries.map((e) => `${e.path} ${e.mode.toString(8)}`);
}

async function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.text() };
}

async function waitForExit(child: ChildProcess, ms: number): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
}

let work: string;
let build: CliResult;
let serve: ServeProcess;
let rebuild: Promise<CliResult>;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'parasol-layer-test-'));
  [build, serve] = await Promise.all([runCli(['layer', 'build', '--out', join(work, 'layers')]), startServe()]);
  // The reproducibility check rebuilds in the background while the layers run.
  rebuild = runCli(['layer', 'build', '--out', join(work, 'again'), '--only', 'nodejs,x86_64']);
  const sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  await sm.send(new CreateSecretCommand({ Name: SECRET_NAME, SecretString: SECRET_VALUE }));
  sm.destroy();
  const ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  await ssm.send(new PutParameterCommand({ Name: PARAMETER_NAME, Value: 'true', Type: 'String' }));
  ssm.destroy();
});

after(async () => {
  await serve?.stop();
  await rebuild?.catch(() => undefined);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('parasol layer build', () => {
  test('writes the three layer zips and prints each size', () => {
    assert.equal(build.code, 0, `build failed:\n${build.stderr}`);
    for (const variant of ['nodejs', 'x86_64', 'arm64']) {
      assert.match(build.stdout, new RegExp(`parasol-extension-${variant}\\.zip  \\d+(\\.\\d)? (B|KiB|MiB) \\(unpacked `), build.stdout);
      assert.ok(existsSync(join(work, 'layers', `parasol-extension-${variant}.zip`)));
    }
  });

  test('the nodejs layer is a sh launcher plus the bundled extension (start-up file + lazily required lib files), and the smallest', async () => {
    const zip = readZip(await readFile(join(work, 'layers/parasol-extension-nodejs.zip')));
    assert.deepEqual(
      zip.map((e) => `${e.path} ${e.mode.toString(8)}`),
      [
        'extensions/ 755',
        'extensions/parasol 755',
        'parasol-exec 755',
        'parasol-extension/ 755',
        'parasol-extension/LICENSE 644',
        'parasol-extension/THIRD-PARTY-LICENSES 644',
        'parasol-extension/exec.cjs 644',
        'parasol-extension/index.cjs 644',
        'parasol-extension/lib/ 755',
        'parasol-extension/lib/credential-providers.cjs 644',
        'parasol-extension/lib/signer.cjs 644',
        'parasol-extension/lib/sigv4.cjs 644',
      ],
    );
    const licenses = zip.find((e) => e.path === 'parasol-extension/THIRD-PARTY-LICENSES')!.data.toString();
    assert.match(licenses, /^@smithy\/signature-v4@\d+\.\d+\.\d+ \(Apache-2\.0\)$/m);
    assert.match(licenses, /Apache License\s+Version 2\.0/);
    assert.match(zip.find((e) => e.path === 'parasol-extension/LICENSE')!.data.toString(), /Apache License\s+Version 2\.0/);
    const launcher = zip.find((e) => e.path === 'extensions/parasol')!.data.toString();
    assert.ok(launcher.startsWith('#!/bin/sh\n'), 'shebang on the first line');
    assert.ok(!launcher.includes('\r'), 'LF line endings (a CRLF shebang fails to exec on Lambda)');
    const wrapper = zip.find((e) => e.path === 'parasol-exec')!.data.toString();
    assert.ok(wrapper.startsWith('#!/bin/sh\n') && !wrapper.includes('\r'), 'the exec wrapper: sh shebang, LF endings');
    assert.match(launcher, /\/var\/lang\/bin\/node/);
    const sizes = await Promise.all(
      ['nodejs', 'x86_64', 'arm64'].map(async (v) => (await readFile(join(work, `layers/parasol-extension-${v}.zip`))).length),
    );
    assert.ok(sizes[0] < sizes[1] && sizes[0] < sizes[2], `sizes ${sizes}`);
    assert.ok(sizes[1] < 50 * 1024 * 1024 && sizes[2] < 50 * 1024 * 1024, 'standalone layers fit the 50 MB upload limit');
  });

  test('the standalone zips hold one executable in extensions/ (mode 755) and Node license', async () => {
    for (const arch of ['x86_64', 'arm64']) {
      const zip = readZip(await readFile(join(work, `layers/parasol-extension-${arch}.zip`)));
      assert.deepEqual(
        zip.map((e) => `${e.path} ${e.mode.toString(8)}`),
        [
          'extensions/ 755',
          'extensions/parasol 755',
          'parasol-exec 755',
          'parasol-extension/ 755',
          'parasol-extension/LICENSE 644',
          'parasol-extension/LICENSE.node 644',
          'parasol-extension/THIRD-PARTY-LICENSES 644',
        ],
      );
      const unpackedBytes = zip.reduce((n, e) => n + e.data.length, 0);
      assert.ok(unpackedBytes < 250 * 1024 * 1024, 'fits the 250 MB unpacked limit');
    }
  });

  test('the arm64 executable is an aarch64 ELF with the extension bundle injected (SEA fuse set, NODE_SEA_BLOB note)', async () => {
    const zip = readZip(await readFile(join(work, 'layers/parasol-extension-arm64.zip')));
    const executable = zip.find((e) => e.path === 'extensions/parasol')!.data;
    const elf = inspectElf(executable);
    assert.equal(elf.machine, 'arm64');
    assert.equal(elf.is64Bit, true);
    assert.equal(elf.seaFuseSet, true);
    const bundle = await bundleStandalone(defaultExtensionEntry());
    assert.doesNotThrow(
      () => verifySeaExecutable(executable, 'arm64', bundle),
      'bundle missing from the blob (or the extension sources changed since the build: rerun on a quiet tree)',
    );
    assert.throws(() => verifySeaExecutable(executable, 'x86_64', bundle), /executable is for arm64, expected x86_64/);
  });

  test('a V8 code cache only in the executable for the build machine architecture (a cross-arch cache crashes it)', async () => {
    // Node 20 SEA blob header: uint32 magic, uint32 flags; flag 1<<2 = useCodeCache.
    const hasCodeCache = async (arch: string) => {
      const zip = readZip(await readFile(join(work, `layers/parasol-extension-${arch}.zip`)));
      const blob = inspectElf(zip.find((e) => e.path === 'extensions/parasol')!.data).seaBlob!;
      return (blob.readUInt32LE(4) & 4) !== 0;
    };
    const host = process.arch === 'x64' ? 'x86_64' : process.arch;
    for (const arch of ['x86_64', 'arm64']) assert.equal(await hasCodeCache(arch), arch === host, arch);
  });

  test('same inputs give byte-identical zips (nodejs and x86_64 rebuilt)', async () => {
    const again = await rebuild;
    assert.equal(again.code, 0, again.stderr);
    for (const variant of ['nodejs', 'x86_64']) {
      const first = await readFile(join(work, `layers/parasol-extension-${variant}.zip`));
      const second = await readFile(join(work, `again/parasol-extension-${variant}.zip`));
      if (!first.equals(second) && variant === 'nodejs') {
        const bundleOf = (zip: Buffer) => readZip(zip).find((e) => e.path.endsWith('index.cjs'))!.data;
        assert.ok(bundleOf(first).equals(bundleOf(second)), 'the bundles differ: the extension sources changed between the two builds?');
      }
      assert.ok(first.equals(second), `${variant} zip differs between two builds`);
    }
  });

  test('rejects an unknown variant and an unknown subcommand', async () => {
    const bad = await runCli(['layer', 'build', '--only', 'nodejs,sparc']);
    assert.equal(bad.code, 2, 'a usage error');
    assert.equal(
      bad.stderr,
      "parasol layer: --only: unknown layer 'sparc' (expected nodejs, x86_64, arm64) (see 'parasol layer --help')\n",
    );
    const sub = await runCli(['layer', 'publish']);
    assert.equal(sub.code, 2);
    assert.equal(sub.stderr, "parasol layer: unknown layer subcommand 'publish' (expected 'build') (see 'parasol layer --help')\n");
  });

  test('the launcher and the standalone executable print the version (built in: a layer has no package.json)', async () => {
    const version = JSON.parse(await readFile(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')).version;
    for (const variant of ['nodejs', 'x86_64']) {
      const opt = join(work, `version-${variant}`);
      await unpack(join(work, `layers/parasol-extension-${variant}.zip`), opt);
      const run = spawnSync(join(opt, 'extensions/parasol'), ['--version'], {
        cwd: tmpdir(),
        encoding: 'utf8',
        env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin` },
      });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, `${version}\n`, variant);
    }
  });

  test('the nodejs launcher on a runtime without node says which layer to use, in the log format, and exits 1', async () => {
    const opt = join(work, 'no-node');
    await unpack(join(work, 'layers/parasol-extension-nodejs.zip'), opt);
    const run = spawnSync(join(opt, 'extensions/parasol'), [], { cwd: tmpdir(), encoding: 'utf8', env: { PATH: '/nonexistent' } });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    assert.deepEqual(JSON.parse(run.stderr), {
      level: 'error',
      component: 'extension',
      msg: 'this layer needs a Node.js runtime (no node at /var/lang/bin/node or on PATH); use parasol-extension-x86_64 / -arm64, which run on any runtime',
    });
  });
});

/**
 * Unpacks `variant` into <tmp>/<name>/opt and runs opt/extensions/parasol (through `wrap`, e.g. qemu)
 * from an unrelated working directory, as Lambda would.
 */
async function runLayerInLambdaLikeEnvironment(
  variant: string,
  wrap: string[] = [],
  duringInvoke?: (port: number) => Promise<void>,
  checkExecWrapper = true,
): Promise<void> {
  const opt = join(work, `opt-${variant}`);
  await unpack(join(work, `layers/parasol-extension-${variant}.zip`), opt);
  const api = await FakeLambdaRuntimeApi.start();
  const port = await freePort();
  const executable = join(opt, 'extensions/parasol');
  const [command, ...args] = [...wrap, executable];
  const child = spawn(command, args, {
    cwd: tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      // Node on PATH stands in for the runtime's /var/lang/bin/node (nodejs layer); the standalone layers need none.
      PATH: variant === 'nodejs' ? `${dirname(process.execPath)}:/usr/bin:/bin` : '/usr/bin:/bin',
      AWS_LAMBDA_RUNTIME_API: api.address,
      AWS_LAMBDA_FUNCTION_NAME: 'layer-test',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: TOKEN,
      AWS_ENDPOINT_URL: serve.url,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      // A Node.js function's NODE_OPTIONS must not reach the extension: the nodejs launcher drops it. (A SEA
      // binary reads NODE_OPTIONS before any of its code runs, so the standalone layers cannot; see README.)
      ...(variant === 'nodejs' ? { NODE_OPTIONS: '--require /var/task/does-not-exist.js' } : {}),
    },
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = once(child, 'exit');
  try {
    const registration = await Promise.race([
      api.registration(),
      exited.then(() => {
        throw new Error(`extension exited before registering:\n${output}`);
      }),
    ]);
    assert.equal(registration.name, 'parasol', 'registers under the file name in /opt/extensions');
    assert.ok(registration.events.includes('SHUTDOWN'), `events ${registration.events}`);

    const ping = await httpGet(`http://127.0.0.1:${port}/ping`);
    assert.equal(ping.status, 200);
    const got = await httpGet(`http://127.0.0.1:${port}/secretsmanager/get?secretId=${encodeURIComponent(SECRET_NAME)}`, {
      'X-Aws-Parameters-Secrets-Token': TOKEN,
    });
    assert.equal(got.status, 200, got.body);
    const body = JSON.parse(got.body) as { Name: string; SecretString: string };
    assert.equal(body.Name, SECRET_NAME);
    assert.equal(body.SecretString, SECRET_VALUE);
    const noToken = await httpGet(`http://127.0.0.1:${port}/secretsmanager/get?secretId=${encodeURIComponent(SECRET_NAME)}`);
    assert.equal(noToken.status, 401, 'the token is required');
    assert.equal(JSON.parse(noToken.body).__type, 'MissingTokenException');
    const wrongToken = await httpGet(`http://127.0.0.1:${port}/secretsmanager/get?secretId=${encodeURIComponent(SECRET_NAME)}`, {
      'X-Aws-Parameters-Secrets-Token': `${TOKEN}x`,
    });
    assert.equal(wrongToken.status, 403, 'only the session token is accepted');
    assert.equal(JSON.parse(wrongToken.body).__type, 'InvalidTokenException');
    if (checkExecWrapper) await execWrapperAsLambdaRunsIt(variant, opt, port);
    if (duringInvoke) {
      api.invoke();
      await duringInvoke(port);
    }

    api.shutdown();
    const code = await waitForExit(child, 10_000);
    assert.equal(code, 0, `exit code on SHUTDOWN; output:\n${output}`);
    assert.deepEqual(api.errorReports(), [], 'no /init/error or /exit/error');
    assert.ok(!output.includes(SECRET_VALUE) && !output.includes(TOKEN), 'the secret and the token never appear in the logs');
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await api.close();
  }
}

interface WrapperRun {
  status: number | null;
  args: string[];
  env: Map<string, string>;
  stderr: string;
}

/**
 * Runs `<opt>/parasol-exec RUNTIME ARGS…` the way Lambda starts a runtime through AWS_LAMBDA_EXEC_WRAPPER
 * (after every extension registered), with the function's environment. The runtime is a script that prints
 * its arguments and its environment.
 */
async function runExecWrapper(variant: string, opt: string, port: number, extra: NodeJS.ProcessEnv): Promise<WrapperRun> {
  const runtime = join(work, 'runtime-bootstrap');
  await writeFile(runtime, '#!/bin/sh\nfor a in "$@"; do printf \'arg:%s\\0\' "$a"; done\nexec /usr/bin/env -0\n', { mode: 0o755 });
  const child = spawn(join(opt, 'parasol-exec'), [runtime, '--handler', 'index.handler', 'an argument with spaces'], {
    cwd: tmpdir(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      // The standalone layers must not need node: nothing on PATH at all (the scripts use absolute paths and builtins).
      PATH: variant === 'nodejs' ? `${dirname(process.execPath)}:/usr/bin:/bin` : '/nonexistent',
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9',
      AWS_LAMBDA_EXEC_WRAPPER: join(opt, 'parasol-exec'),
      AWS_REGION: 'us-east-1',
      AWS_SESSION_TOKEN: TOKEN,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      _HANDLER: 'index.handler',
      // The function's NODE_OPTIONS is the runtime's: kept for it, kept away from the resolving program.
      NODE_OPTIONS: '--require /var/task/does-not-exist.js',
      ...extra,
    },
  });
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const [status] = (await once(child, 'close')) as [number | null];
  const entries = Buffer.concat(out).toString('utf8').split('\0').filter(Boolean);
  const env = new Map<string, string>();
  for (const e of entries.filter((x) => !x.startsWith('arg:'))) env.set(e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1));
  return { status, args: entries.filter((x) => x.startsWith('arg:')).map((x) => x.slice(4)), env, stderr };
}

async function execWrapperAsLambdaRunsIt(variant: string, opt: string, port: number): Promise<void> {
  const ok = await runExecWrapper(variant, opt, port, {
    PARASOL_ENV_DB_PASSWORD: `sm:${SECRET_NAME}:password`,
    PARASOL_ENV_DB_SECRET: `sm:${SECRET_NAME}`,
    PARASOL_ENV_NEW_CHECKOUT: `ssm:${PARAMETER_NAME}`,
  });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stderr, '', 'the wrapper prints nothing when all is well');
  assert.deepEqual(ok.args, ['--handler', 'index.handler', 'an argument with spaces'], 'the runtime gets its arguments as given');
  assert.equal(ok.env.get('DB_PASSWORD'), 'layer-test-value');
  assert.equal(ok.env.get('DB_SECRET'), SECRET_VALUE);
  assert.equal(ok.env.get('NEW_CHECKOUT'), 'true');
  assert.deepEqual(
    [...ok.env.keys()].filter((k) => k.startsWith('PARASOL_ENV_') || k.startsWith('parasol_')),
    [],
    'PARASOL_ENV_* removed, no helper variables left',
  );
  assert.equal(ok.env.get('NODE_OPTIONS'), '--require /var/task/does-not-exist.js', "the runtime keeps the function's NODE_OPTIONS");
  assert.equal(ok.env.get('_HANDLER'), 'index.handler');

  const missing = await runExecWrapper(variant, opt, port, {
    PARASOL_ENV_DB_PASSWORD: `sm:${SECRET_NAME}:password`,
    PARASOL_ENV_NOPE: 'sm:layer/no-such-secret',
  });
  assert.equal(missing.status, 1, 'INIT fails');
  assert.deepEqual(missing.args, [], 'the runtime never started');
  assert.match(
    missing.stderr,
    /parasol-exec: 1 of 2 reference\(s\) did not resolve; INIT stops \(PARASOL_EXEC_ALLOW_MISSING=true starts without them\):/,
  );
  assert.match(missing.stderr, /NOPE \(sm:layer\/no-such-secret: ResourceNotFoundException: /);
  assert.ok(!missing.stderr.includes('layer-test-value'), 'no value in the message');

  const allowed = await runExecWrapper(variant, opt, port, {
    PARASOL_ENV_DB_PASSWORD: `sm:${SECRET_NAME}:password`,
    PARASOL_ENV_NOPE: 'sm:layer/no-such-secret',
    PARASOL_EXEC_ALLOW_MISSING: 'true',
  });
  assert.equal(allowed.status, 0, allowed.stderr);
  assert.equal(allowed.env.get('DB_PASSWORD'), 'layer-test-value');
  assert.equal(allowed.env.has('NOPE'), false);
  assert.equal(allowed.env.has('PARASOL_ENV_NOPE'), false);
  assert.match(
    allowed.stderr,
    /parasol-exec: not set \(PARASOL_EXEC_ALLOW_MISSING=true\): NOPE \(sm:layer\/no-such-secret: ResourceNotFoundException/,
  );

  const none = await runExecWrapper(variant, opt, port, {});
  assert.equal(none.status, 0, none.stderr);
  assert.deepEqual(
    none.args,
    ['--handler', 'index.handler', 'an argument with spaces'],
    'without PARASOL_ENV_* the runtime starts directly',
  );
}

describe('each layer unpacked into an /opt-like folder runs the extension (fake Lambda Runtime API, real parasol serve)', () => {
  test('nodejs layer: launcher runs the bundle with node, registers, serves a secret (also to examples/lambda/handler.ts during an INVOKE, and to /opt/parasol-exec during INIT), exits on SHUTDOWN', async () => {
    await runLayerInLambdaLikeEnvironment('nodejs', [], async (port) => {
      // examples/lambda/handler.ts, as a function beside this layer would run it.
      const saved = { ...process.env };
      Object.assign(process.env, {
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
        AWS_SESSION_TOKEN: TOKEN,
        DB_SECRET_ID: SECRET_NAME,
        FEATURE_PARAMETER: PARAMETER_NAME,
      });
      try {
        const result = await exampleHandler();
        assert.equal(result.statusCode, 200);
        assert.deepEqual(JSON.parse(result.body), { secret: SECRET_NAME, hasPassword: true, parameter: PARAMETER_NAME, newCheckout: true });
        assert.ok(!result.body.includes('layer-test-value'), 'the handler does not return the secret');
      } finally {
        for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
        Object.assign(process.env, saved);
      }
    });
  });

  test('x86_64 layer: standalone executable (no node on PATH) registers, serves a secret (also to /opt/parasol-exec, no PATH at all), exits on SHUTDOWN', async () => {
    await runLayerInLambdaLikeEnvironment('x86_64');
  });

  if (qemu) {
    test(`arm64 layer under qemu-user (${qemu.bin}, emulated): registers, serves a secret, exits on SHUTDOWN`, {
      timeout: 120_000,
    }, async () => {
      // The exec wrapper runs the executable directly, which an x86_64 host cannot without binfmt: not checked here.
      await runLayerInLambdaLikeEnvironment('arm64', [qemu.bin, '-L', qemu.root], undefined, false);
    });
  } else {
    test('arm64 layer: NOT run — qemu-aarch64-static or an aarch64 loader is missing here; only the static ELF/SEA checks above apply', () => {
      process.stdout.write('# arm64 layer not executed: install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross to run it\n');
      assert.ok(existsSync(join(work, 'layers/parasol-extension-arm64.zip')));
    });
  }
});

describe('outside Lambda (deploy/)', () => {
  test('deploy/bin/sidecar-entrypoint.sh seeds a token file and runs the x86_64 executable as a sidecar (AWS_TOKEN=file://…); SIGTERM stops it', async () => {
    const opt = join(work, 'opt-sidecar');
    await unpack(join(work, 'layers/parasol-extension-x86_64.zip'), opt);
    const tokenFile = join(work, 'run/parasol/token');
    const port = await freePort();
    const child = spawn(join(REPO_ROOT, 'deploy/bin/sidecar-entrypoint.sh'), [], {
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: '/usr/bin:/bin',
        PARASOL_TOKEN_FILE: tokenFile,
        PARASOL_EXTENSION_BIN: join(opt, 'extensions/parasol'),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL: serve.url,
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      },
    });
    let output = '';
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    try {
      let up = false;
      for (let i = 0; i < 200 && !up && child.exitCode === null; i++) {
        up = await httpGet(`http://127.0.0.1:${port}/ping`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!up) await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(up, `sidecar did not answer /ping:\n${output}`);
      const token = (await readFile(tokenFile, 'utf8')).trim();
      assert.match(token, /^[0-9a-f]{64}$/, 'a 256-bit random token');
      assert.equal((await stat(tokenFile)).mode & 0o777, 0o644);
      const url = `http://127.0.0.1:${port}/secretsmanager/get?secretId=${encodeURIComponent(SECRET_NAME)}`;
      const got = await httpGet(url, { 'X-Aws-Parameters-Secrets-Token': token });
      assert.equal(got.status, 200, got.body);
      assert.equal((JSON.parse(got.body) as { SecretString: string }).SecretString, SECRET_VALUE);
      const wrong = await httpGet(url, { 'X-Aws-Parameters-Secrets-Token': 'not-the-token' });
      assert.equal(wrong.status, 403);
      assert.equal(JSON.parse(wrong.body).__type, 'InvalidTokenException');
      const missing = await httpGet(url);
      assert.equal(missing.status, 401);
      assert.equal(JSON.parse(missing.body).__type, 'MissingTokenException');
      assert.ok(!output.includes(token), 'the token is never logged');
      child.kill('SIGTERM');
      assert.equal(await waitForExit(child, 10_000), 0, output);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

describe('deterministic zip writer', () => {
  const files = [
    { path: 'b/run', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
    { path: 'a.txt', data: Buffer.from('x'.repeat(1000)) },
    { path: 'b/', mode: 0o755 },
    { path: 'empty', data: Buffer.alloc(0) },
  ];

  test('same entries in any order give the same bytes', () => {
    assert.ok(writeZip(files).equals(writeZip([...files].reverse())));
  });

  test('round-trips contents and Unix modes, entries sorted', () => {
    const read = readZip(writeZip(files));
    assert.deepEqual(
      read.map((e) => [e.path, e.mode.toString(8), e.isDirectory, e.data.toString()]),
      [
        ['a.txt', '644', false, 'x'.repeat(1000)],
        ['b/', '755', true, ''],
        ['b/run', '755', false, '#!/bin/sh\necho hi\n'],
        ['empty', '644', false, ''],
      ],
    );
  });

  test('unzip(1) reads it and keeps the executable bit', async (t) => {
    if (spawnSync('unzip', ['-v']).status !== 0) {
      t.skip('unzip(1) not installed; the round trip above uses our own reader');
      return;
    }
    const dir = await mkdtemp(join(tmpdir(), 'parasol-zip-'));
    try {
      await writeFile(join(dir, 't.zip'), writeZip(files));
      const listing = spawnSync('unzip', ['-Z', join(dir, 't.zip')], { encoding: 'utf8' });
      assert.equal(listing.status, 0, listing.stderr);
      assert.match(listing.stdout, /-rwxr-xr-x\s.*\sb\/run/);
      const check = spawnSync('unzip', ['-tq', join(dir, 't.zip')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('rejects unsafe or duplicate paths and corrupt data', () => {
    for (const path of ['../evil', '/abs', 'a/../b', 'a\\b', '']) {
      assert.throws(() => writeZip([{ path, data: Buffer.from('x') }]), ZipError, path);
    }
    assert.throws(() => writeZip([{ path: 'x' }, { path: 'x' }]), /duplicate zip entry 'x'/);
    const zip = writeZip([{ path: 'a', data: Buffer.from('hello hello hello hello'), level: 0 }]);
    zip[zip.indexOf('hello')] = 0x48; // flip one byte of the stored data
    assert.throws(() => readZip(zip), /CRC mismatch/);
    assert.throws(() => readZip(Buffer.from('not a zip')), /end of central directory not found/);
  });

  test('inspectElf refuses a non-ELF file', () => {
    assert.throws(() => inspectElf(Buffer.alloc(100)), /not an ELF file/);
  });
});
