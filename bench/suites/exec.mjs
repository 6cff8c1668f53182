// The Lambda exec wrapper's cost: what `/opt/parasol-exec` adds to INIT.
// For the nodejs and x86_64 layers (built with packages/cli/dist), unpacked
// into a temporary /opt: the extension runs from the layer in Lambda mode
// (a fake Runtime API that only answers /register) against a real
// `parasol serve`, and a "runtime" (a sh script that exits at once) is
// started four ways, spawn → exit, median of RUNS interleaved runs:
//   runtime alone | through the wrapper, no PARASOL_ENV_* | with 10 names,
//   extension cache cold (fresh names each run, as at a cold start) | warm.
// Self-contained: Node built-ins, the built CLI and the AWS SDK (dev dependency) only.
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const cli = join(root, 'packages/cli/dist/main.js');
const RUNS = 9;
const NAMES = 10;
const TOKEN = 'bench-exec-token';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A fake Lambda Runtime API: answers /register; /event/next is held until the process is killed. */
async function fakeRuntimeApi() {
  const server = http.createServer((req, res) => {
    if (req.url.endsWith('/extension/register')) {
      res.writeHead(200, { 'Lambda-Extension-Identifier': '00000000-0000-4000-8000-000000000000', 'Content-Type': 'application/json' });
      res.end('{"functionName":"bench","functionVersion":"$LATEST","handler":"index.handler"}');
      return;
    }
    if (req.url.endsWith('/event/next')) return;
    res.writeHead(202).end('{}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    address: `127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

function runProcess(command, args, env, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startServe() {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--in-memory'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`parasol serve exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGKILL') };
}

async function unpack(readZip, zipPath, opt) {
  for (const e of readZip(await readFile(zipPath))) {
    const target = join(opt, e.path);
    if (e.isDirectory) await mkdir(target, { recursive: true });
    else {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, e.data);
      await chmod(target, e.mode);
    }
  }
}

async function startExtension(command, env) {
  const port = await freePort();
  const child = spawn(command, [], { env: { ...env, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port) }, stdio: 'ignore' });
  for (let i = 0; i < 3000; i++) {
    const up = await new Promise((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/ping', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (up) return { port, stop: () => child.kill('SIGKILL') };
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`${command} did not answer /ping`);
}

async function timed(command, args, env) {
  const started = performance.now();
  const r = await runProcess(command, args, env);
  const ms = performance.now() - started;
  if (r.code !== 0) throw new Error(`${command} exited ${r.code}: ${r.stderr.slice(0, 500)}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run() {
  const { readZip } = await import(join(root, 'packages/cli/dist/layer/zip.js'));
  const { SecretsManagerClient, CreateSecretCommand } = await import('@aws-sdk/client-secrets-manager');
  const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
  const work = await mkdtemp(join(tmpdir(), 'parasol-bench-exec-'));
  const serve = await startServe();
  const api = await fakeRuntimeApi();
  const stops = [];
  try {
    const build = await runProcess(
      process.execPath,
      [cli, 'layer', 'build', '--out', join(work, 'layers'), '--only', 'nodejs,x86_64'],
      process.env,
    );
    if (build.code !== 0) throw new Error(`layer build failed: ${build.stderr}`);

    // Half secrets (one JSON key each), half SecureString parameters; a fresh set of names per cold run.
    const config = { endpoint: serve.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const sm = new SecretsManagerClient(config);
    const ssm = new SSMClient(config);
    const sets = RUNS * 2 + 1; // a cold set per run per layer, and one warm set
    const refSets = [];
    for (let s = 0; s < sets; s++) {
      const refs = {};
      for (let i = 0; i < NAMES / 2; i++) {
        await sm.send(
          new CreateSecretCommand({ Name: `bench/exec/${s}/secret-${i}`, SecretString: JSON.stringify({ password: `value-${s}-${i}` }) }),
        );
        await ssm.send(
          new PutParameterCommand({ Name: `/bench/exec/${s}/parameter-${i}`, Value: `value-${s}-${i}`, Type: 'SecureString' }),
        );
        refs[`PARASOL_ENV_SECRET_${i}`] = `sm:bench/exec/${s}/secret-${i}:password`;
        refs[`PARASOL_ENV_PARAMETER_${i}`] = `ssm:/bench/exec/${s}/parameter-${i}`;
      }
      refSets.push(refs);
    }
    sm.destroy();
    ssm.destroy();

    const runtime = join(work, 'runtime');
    await writeFile(runtime, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const rows = [];
    let coldSet = 0;
    const warmSet = refSets[sets - 1];
    for (const variant of ['nodejs', 'x86_64']) {
      const opt = join(work, `opt-${variant}`);
      await unpack(readZip, join(work, 'layers', `parasol-extension-${variant}.zip`), opt);
      const base = {
        PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
        AWS_LAMBDA_RUNTIME_API: api.address,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_SESSION_TOKEN: TOKEN,
        AWS_ENDPOINT_URL: serve.url,
        PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'none',
      };
      const ext = await startExtension(join(opt, 'extensions/parasol'), base);
      stops.push(ext.stop);
      const env = { ...base, PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(ext.port) };
      const wrapper = join(opt, 'parasol-exec');
      await timed(wrapper, [runtime], { ...env, ...warmSet }); // fills the cache for the warm case
      const samples = { node: [], alone: [], empty: [], cold: [], warm: [] };
      for (let i = 0; i < RUNS; i++) {
        samples.node.push(await timed(process.execPath, ['-e', '0'], env));
        samples.alone.push(await timed(runtime, [], env));
        samples.empty.push(await timed(wrapper, [runtime], env));
        samples.cold.push(await timed(wrapper, [runtime], { ...env, ...refSets[coldSet++] }));
        samples.warm.push(await timed(wrapper, [runtime], { ...env, ...warmSet }));
      }
      ext.stop();
      const alone = median(samples.alone);
      const row = (what, xs) => ({
        layer: variant,
        start: what,
        'spawn → exit (median ms)': median(xs).toFixed(1),
        'added to INIT': what.startsWith('runtime alone') || what.startsWith('reference') ? '—' : `+${(median(xs) - alone).toFixed(1)} ms`,
      });
      rows.push(
        row('reference: `node -e 0` (any node program starts at least this slowly here)', samples.node),
        row('runtime alone', samples.alone),
        row('through /opt/parasol-exec, no PARASOL_ENV_*', samples.empty),
        row(`through /opt/parasol-exec, ${NAMES} names, extension cache cold`, samples.cold),
        row(`through /opt/parasol-exec, ${NAMES} names, extension cache warm`, samples.warm),
      );
    }
    return [
      {
        title: 'Lambda exec wrapper: added to INIT',
        columns: ['layer', 'start', 'spawn → exit (median ms)', 'added to INIT'],
        rows,
        notes: [
          `${RUNS} interleaved runs each. The "runtime" is a sh script that exits at once, so the added time is the wrapper's alone.`,
          `${NAMES} names = ${NAMES / 2} JSON keys of ${NAMES / 2} secrets + ${NAMES / 2} SecureString parameters, read through the layer's running extension; cold = cache misses that go on to a local \`parasol serve\` (AWS adds its own latency per miss).`,
          "nodejs layer: the resolving program runs on the runtime's node (here the bench machine's); x86_64: the standalone executable (SEA with code cache) in its exec mode.",
        ],
      },
    ];
  } finally {
    for (const stop of stops) stop();
    api.close();
    serve.stop();
    await rm(work, { recursive: true, force: true });
  }
}
