// Extension benchmarks for the batch routes and the SDK-shaped endpoint, against
// the extension as the Node.js layer ships it (the same bundle and node flags as
// suites/extension.mjs; self-contained so the two suites evolve apart).
//  1. a batch of 10 misses (one GET /secretsmanager/batchget) vs 10 single misses
//     sent at once: upstream calls per read of the 10, and latency
//  2. SDK-shaped endpoint (POST / with X-Amz-Target) cache-hit throughput vs a bare
//     node:http server sending the same bytes, with the token header and with SigV4
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBaseline } from '../lib/baseline.mjs';
import { round, runInterleaved, runLoad } from '../lib/load.mjs';
import { freePort } from '../lib/net.mjs';
import { signedHeaders, startServe } from '../lib/parasol.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { bundleNodejsLayer, NODEJS_ENTRY_FILE } = await import(join(ROOT, 'packages/cli/dist/layer/bundle.js'));
const { NODEJS_LAYER_NODE_FLAGS } = await import(join(ROOT, 'packages/cli/dist/layer/launcher.js'));
const BATCH = 10;
const BATCH_MS = 3000;
const LOAD = { concurrency: 16, durationMs: 2000, warmupMs: 500 };
const ROUNDS = 3;

export async function run() {
  const main = await layerMain();
  const serve = await startServe();
  try {
    const ids = Array.from({ length: BATCH }, (_, i) => `bench/batch-${i}`);
    for (const Name of ['bench/secret', ...ids]) {
      await call(serve.url, 'CreateSecret', {
        Name,
        SecretString: 'x'.repeat(Name === 'bench/secret' ? 4096 : 256),
        ClientRequestToken: crypto.randomUUID(),
      });
    }
    return [await batchVsSingles(main, serve.url, ids), await sdkEndpointHits(main, serve.url)];
  } finally {
    serve.stop();
  }
}

async function batchVsSingles(main, upstream, ids) {
  // TTL 0: every read is a miss, so each one goes upstream.
  const ext = await startExtension(main, upstream, { SECRETS_MANAGER_TTL: '0' });
  try {
    const batch = {
      kind: 'http',
      url: `${ext.url}/secretsmanager/batchget?${ids.map((id) => `secretId=${encodeURIComponent(id)}`).join('&')}`,
      headers: ext.headers,
    };
    const singles = {
      kind: 'module',
      path: join(ROOT, 'bench/targets/parallel-gets.mjs'),
      options: { urls: ids.map((id) => `${ext.url}/secretsmanager/get?secretId=${encodeURIComponent(id)}`), headers: ext.headers },
    };
    const before = await upstreamCounts(ext);
    // Paired samples, one read of the 10 at a time, the two ways in turn.
    const [viaBatch, viaSingles] = await runInterleaved({ targets: [batch, singles], durationMs: BATCH_MS, warmupMs: 0 });
    const after = await upstreamCounts(ext);
    const batchCalls = (after.BatchGetSecretValue - before.BatchGetSecretValue) / viaBatch.requests;
    const singleCalls = (after.GetSecretValue - before.GetSecretValue) / viaSingles.requests;
    const r = (name, x, callsPerRead) => ({
      'reading 10 secrets': name,
      'upstream calls per read': round(callsPerRead, 2),
      'p50 ms': round(x.p50Ms, 3),
      'p99 ms': round(x.p99Ms, 3),
      reads: x.requests,
      errors: x.errors,
    });
    return {
      title: 'extension: a batch of 10 misses vs 10 single misses (TTL 0, every read goes upstream)',
      columns: ['reading 10 secrets', 'upstream calls per read', 'p50 ms', 'p99 ms', 'reads', 'errors'],
      rows: [
        r('GET /secretsmanager/batchget, 10 ids (one BatchGetSecretValue)', viaBatch, batchCalls),
        r('10 × GET /secretsmanager/get at once (10 GetSecretValue)', viaSingles, singleCalls),
      ],
      notes: [
        `p50 ratio batch / singles: ${round(viaBatch.p50Ms / viaSingles.p50Ms, 2)}; upstream calls per read counted from the extension's /metrics`,
        `paired samples: one read of the 10 at a time, the two ways in turn, ${BATCH_MS / 1000} s; upstream parasol serve (in-memory) on the same machine, so a real region's round trip would widen the gap; PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS 3 (default) bounds the singles' parallelism upstream`,
      ],
    };
  } finally {
    ext.child.kill();
  }
}

async function sdkEndpointHits(main, upstream) {
  const ext = await startExtension(main, upstream);
  try {
    const input = JSON.stringify({ SecretId: 'bench/secret' });
    const tokenTarget = {
      kind: 'http',
      url: `${ext.url}/`,
      method: 'POST',
      headers: { ...ext.headers, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      body: input,
    };
    // Signed once with the function's credentials (test/test), replayed: the extension verifies every request.
    const signed = {
      kind: 'http',
      url: `${ext.url}/`,
      method: 'POST',
      headers: await signedHeaders(ext.url, 'secretsmanager', 'GetSecretValue', input),
      body: input,
    };
    const body = await post(tokenTarget); // also warms the cache: every request after is a hit
    if ((await post(signed)) !== body) throw new Error('the signed and the token request got different answers');
    const base = await startBaseline({ body, contentType: 'application/x-amz-json-1.1' });
    try {
      const runs = { token: [], signed: [], base: [] };
      for (let i = 0; i < ROUNDS; i++) {
        runs.token.push(await runLoad({ target: tokenTarget, ...LOAD }));
        runs.signed.push(await runLoad({ target: signed, ...LOAD }));
        runs.base.push(await runLoad({ target: { kind: 'http', url: base.url, method: 'POST', body: input }, ...LOAD }));
      }
      const [token, sig, bare] = [medianRun(runs.token), medianRun(runs.signed), medianRun(runs.base)];
      const r = (name, x) => ({
        server: name,
        'req/s': round(x.opsPerSec, 0),
        'p50 ms': round(x.p50Ms, 3),
        'p99 ms': round(x.p99Ms, 3),
        errors: x.errors,
        'vs baseline': `${round((x.opsPerSec / bare.opsPerSec) * 100, 1)}%`,
      });
      return {
        title: 'extension: SDK-shaped endpoint, cached GetSecretValue (POST /, AWS JSON 1.1, 4 KiB secret)',
        columns: ['server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'vs baseline'],
        rows: [
          r('parasol extension, token header', token),
          r('parasol extension, SigV4 (verified each request)', sig),
          r('baseline node:http, same bytes', bare),
        ],
        notes: [
          `concurrency ${LOAD.concurrency}, ${ROUNDS} alternating rounds of ${LOAD.durationMs / 1000} s (after ${LOAD.warmupMs / 1000} s warm-up), median round shown; keep-alive; load from a separate process`,
          'the SDK-shaped endpoint renders a cached value in the service shape once, then sends those bytes (as the GET route sends its cached bytes); SigV4 costs a SHA-256 of the body, one of the canonical request and an HMAC per request',
        ],
      };
    } finally {
      base.stop();
    }
  } finally {
    ext.child.kill();
  }
}

// ---- helpers ----

async function layerMain() {
  const dir = mkdtempSync(join(tmpdir(), 'parasol-bench-layer-'));
  for (const [path, data] of await bundleNodejsLayer(join(ROOT, 'packages/extension/src/main.ts'))) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), data);
  }
  return join(dir, NODEJS_ENTRY_FILE);
}

async function startExtension(main, upstream, env = {}) {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, [...NODEJS_LAYER_NODE_FLAGS, main], {
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: upstream,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: '',
      AWS_LAMBDA_RUNTIME_API: '',
      AWS_TOKEN: token,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/ping`)).status === 200) break;
    } catch {}
    if (i > 2000) throw new Error('the extension did not start');
    await new Promise((r) => setTimeout(r, 5));
  }
  return { child, url, headers: { 'X-Aws-Parameters-Secrets-Token': token } };
}

async function upstreamCounts(ext) {
  const text = await (await fetch(`${ext.url}/metrics`, { headers: ext.headers })).text();
  const count = (api) =>
    [...text.matchAll(new RegExp(`^parasol_upstream_requests_total\\{api="${api}",outcome="[^"]+"\\} (\\d+)`, 'gm'))].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
  return { BatchGetSecretValue: count('BatchGetSecretValue'), GetSecretValue: count('GetSecretValue') };
}

function post(target) {
  return new Promise((resolve, reject) => {
    const req = http.request(target.url, { method: 'POST', headers: target.headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text}`));
      });
    });
    req.on('error', reject);
    req.end(target.body);
  });
}

async function call(endpoint, operation, input) {
  const body = JSON.stringify(input);
  const res = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: await signedHeaders(endpoint, 'secretsmanager', operation, body),
    body,
  });
  if (res.status !== 200) throw new Error(`${operation}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

function medianRun(runs) {
  return [...runs].sort((a, b) => a.opsPerSec - b.opsPerSec)[Math.floor(runs.length / 2)];
}
