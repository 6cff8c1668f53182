#!/usr/bin/env node
// Where a request's time goes: runs a server under `node --cpu-prof` while wrk
// loads it, then prints a self-time summary of the CPU profile, grouped by
// function and by area (node:http internals, parasol code, GC, idle, ...).
//
//   node bench/profile.mjs baseline         a bare node:http server sending a 4 KiB body (the reference)
//   node bench/profile.mjs extension-hit    the extension's cached GET (dist build, same code as the layer)
//   node bench/profile.mjs serve-gsv        parasol serve GetSecretValue, one pre-signed request replayed (in memory)
//   node bench/profile.mjs serve-gsv-data   the same with --data
//   node bench/profile.mjs serve-ssm        parasol serve GetParameter SecureString (WithDecryption), pre-signed
//   node bench/profile.mjs <summary.cpuprofile>   summarise an existing profile
//
// Profiles land in bench/profiles/ (not committed; the summary is what results.md quotes).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './lib/net.mjs';
import { signedHeaders } from './lib/parasol.mjs';
import { requireWrk, wrkRun } from './lib/wrk.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/dist/main.js');
const OUT = join(ROOT, 'bench/profiles');
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 5);
delete process.env.NODE_EXTRA_CA_CERTS;
delete process.env.NODE_OPTIONS;

const what = process.argv[2];
if (what?.endsWith('.cpuprofile')) {
  console.log(summarise(JSON.parse(readFileSync(what, 'utf8'))));
} else {
  requireWrk();
  await profile(what);
}

async function profile(kind) {
  const dir = join(OUT, kind);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const prof = ['--cpu-prof', '--cpu-prof-dir', dir];
  if (kind === 'baseline') {
    const code = `const body = Buffer.from('x'.repeat(4300)); require('node:http').createServer((q, s) => { q.resume(); s.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); s.end(body); }).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); }); process.on('SIGINT', () => process.exit(0));`;
    const base = await startLine('-e', prof, [code]);
    console.log(await wrkRun({ url: `${base.url}/`, durationMs: SECONDS * 1000, serverPid: base.child.pid }));
    await stop(base.child);
  } else if (kind === 'extension-hit') {
    const serve = await startLine(CLI, [], ['serve', '--port', '0', '--in-memory', '--log-level', 'error']);
    try {
      await call(serve.url, 'secretsmanager', 'CreateSecret', {
        Name: 'bench/secret',
        SecretString: 'x'.repeat(4096),
        ClientRequestToken: crypto.randomUUID(),
      });
      const port = await freePort();
      const token = randomBytes(16).toString('hex');
      const env = {
        AWS_ENDPOINT_URL: serve.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_TOKEN: token,
        PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
        PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'warn',
      };
      const child = spawn(process.execPath, [...prof, join(ROOT, 'packages/extension/dist/main.js')], {
        env: { ...process.env, ...env },
        stdio: 'inherit',
      });
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`${url}/ping`);
      const target = { url: `${url}/secretsmanager/get?secretId=bench%2Fsecret`, headers: { 'X-Aws-Parameters-Secrets-Token': token } };
      console.log(await wrkRun({ ...target, durationMs: SECONDS * 1000, serverPid: child.pid }));
      await stop(child);
    } finally {
      serve.child.kill();
    }
  } else if (kind.startsWith('serve-')) {
    const args = ['serve', '--port', '0', '--log-level', 'error'];
    let dataDir;
    if (kind === 'serve-gsv-data') {
      dataDir = join(OUT, 'data');
      rmSync(dataDir, { recursive: true, force: true });
      args.push('--data', dataDir);
    } else args.push('--in-memory');
    const serve = await startLine(CLI, prof, args);
    try {
      let service = 'secretsmanager';
      let op = 'GetSecretValue';
      let input = { SecretId: 'bench/secret' };
      await call(serve.url, 'secretsmanager', 'CreateSecret', {
        Name: 'bench/secret',
        SecretString: 'x'.repeat(300),
        ClientRequestToken: crypto.randomUUID(),
      });
      if (kind === 'serve-ssm') {
        service = 'ssm';
        op = 'GetParameter';
        input = { Name: '/bench/secure', WithDecryption: true };
        await call(serve.url, 'ssm', 'PutParameter', { Name: '/bench/secure', Value: 'y'.repeat(50), Type: 'SecureString' });
      }
      const body = JSON.stringify(input);
      const headers = await signedHeaders(serve.url, service, op, body);
      console.log(
        await wrkRun({ url: `${serve.url}/`, method: 'POST', headers, body, durationMs: SECONDS * 1000, serverPid: serve.child.pid }),
      );
      await stop(serve.child);
    } finally {
      serve.child.kill();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  } else {
    throw new Error(`unknown profile ${kind}: extension-hit | serve-gsv | serve-gsv-data | serve-ssm`);
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no profile written in ${dir}`);
  console.log(`profile: ${join(dir, file)}\n`);
  console.log(summarise(JSON.parse(readFileSync(join(dir, file), 'utf8'))));
}

/** Self time per function and per area, as shares of all samples (top 30 functions). */
export function summarise(p) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  let total = 0;
  const fns = new Map();
  const areas = new Map();
  for (const [id, us] of dt) {
    const n = byId.get(id);
    const f = n.callFrame;
    total += us;
    const file = f.url.replace(/^file:\/\//, '').replace(ROOT, '');
    const key = `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + us);
    const area =
      f.functionName === '(idle)'
        ? 'idle (waiting for the kernel / the load)'
        : f.functionName === '(garbage collector)'
          ? 'garbage collector'
          : f.functionName === '(program)'
            ? '(program): native code outside JS (libuv, syscalls, V8 runtime)'
            : file.startsWith('packages/')
              ? `parasol: ${file.split('/').slice(0, 2).join('/')}`
              : file.startsWith('node:')
                ? `node core: ${file}`
                : file.includes('node_modules')
                  ? `dependency: ${file.split('node_modules/')[1].split('/').slice(0, 2).join('/')}`
                  : `native/builtin: ${f.functionName || '(anonymous)'}`;
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const pct = (us) => `${((100 * us) / total).toFixed(1)}%`.padStart(6);
  const top = (m, n) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `${pct(us)}  ${k}`)
      .join('\n');
  return `total ${(total / 1e6).toFixed(2)} s sampled\n\nby area (self time):\n${top(areas, 25)}\n\ntop functions (self time):\n${top(fns, 30)}\n`;
}

async function stop(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

function startLine(entry, nodeArgs, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, entry, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    // The listening line is a log line (stderr); read both streams.
    const onData = (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s"]+)/);
      if (m) resolve({ child, url: m[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited ${code}: ${out}`)));
  });
}

async function waitFor(url) {
  for (let i = 0; i < 5000; i++) {
    const ok = await new Promise((resolve) => {
      http.get(url, (res) => resolve(res.statusCode === 200) || res.resume()).on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`${url} never answered`);
}

async function call(endpoint, service, operation, input) {
  const body = JSON.stringify(input);
  const headers = await signedHeaders(endpoint, service, operation, body);
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: '/', method: 'POST', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode === 200) resolve(JSON.parse(text));
        else reject(new Error(`${operation}: HTTP ${res.statusCode} ${text}`));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
