// Shared by the stress parts: SDK v3 clients that never retry (so an answer is
// exactly one attempt: acknowledged or not), a raw signed AWS JSON POST that
// reports the HTTP status of any body, the extension as a process, and RSS
// sampling from /proc.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { freePort } from '../lib/net.mjs';
import { benchSigner, jsonRequest } from '../lib/parasol.mjs';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

const clientConfig = (endpoint) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

export const smClient = (endpoint) => new SecretsManagerClient(clientConfig(endpoint));
export const ssmClient = (endpoint) => new SSMClient(clientConfig(endpoint));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * POSTs `body` (any string or Buffer, valid JSON or not) to `target` (the full
 * X-Amz-Target value), signed with SigV4 unless `signed` is false. Resolves
 * { status, type } (type = the AWS error's __type, if any); never rejects on an
 * HTTP status, only on a network error or after `timeoutMs` (a hang).
 */
export async function rawPost(endpoint, service, target, body, { signed = true, timeoutMs = 10_000, headers: extra = {} } = {}) {
  const u = new URL(endpoint);
  const [, operation = ''] = String(target).split(/\.(.*)/s);
  let headers;
  if (signed) {
    const req = jsonRequest(endpoint, service, operation, body);
    req.headers['x-amz-target'] = target;
    headers = (await benchSigner(service).sign(req)).headers;
  } else {
    headers = { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target };
  }
  Object.assign(headers, extra);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method: 'POST', path: '/', headers, agent: keepAlive, timeout: timeoutMs },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let type;
          try {
            type = JSON.parse(Buffer.concat(chunks).toString('utf8')).__type;
          } catch {}
          resolve({ status: res.statusCode, type });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Starts `parasol extension` (the built CLI) against `upstream` on a free port; resolves { url, headers, pid, stop() }. */
export async function startExtension(upstream, env = {}) {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const child = spawn(process.execPath, [CLI, 'extension'], {
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
      PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (/listening on/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`parasol extension exited with ${code}: ${out}`)));
  });
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    headers: { 'X-Aws-Parameters-Secrets-Token': token },
    pid: child.pid,
    child,
    stop: () => stopChild(child),
  };
}

/** Resident set size of `pid` in MiB (Linux /proc). */
export function rssMiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

/** Sends `signal` to `child` (unless it has exited) and resolves once it has exited. */
export function stopChild(child, signal = 'SIGTERM') {
  if (!alive(child)) return Promise.resolve();
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  return exited;
}

/** True while the process has not exited. */
export const alive = (child) => child.exitCode === null && child.signalCode === null;

/** Markdown table lines. */
export function table(columns, rows) {
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}
