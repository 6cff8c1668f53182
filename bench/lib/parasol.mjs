// Shared by the benchmark suites: the built `parasol serve` in its own process,
// and one AWS JSON request signed with the SDK's signer for replay by the plain
// HTTP load generator (valid for the signature's 15 minutes), which measures a
// server without an SDK client's own CPU cost.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

/** Starts `parasol serve --port 0 <args>`; resolves { url, pid, child, stop() }. */
export function startServe(args = ['--in-memory']) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args, '--log-level', 'error'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The ready line is a log line: on stdout or stderr depending on the version, so both are read.
    let out = '';
    const onData = (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^\s"]+)/);
      if (m) resolve({ url: m[1], pid: child.pid, child, stop: () => child.kill() });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`parasol serve exited ${code}: ${out}`)));
  });
}

const SERVICES = {
  secretsmanager: { signingName: 'secretsmanager', targetPrefix: 'secretsmanager' },
  ssm: { signingName: 'ssm', targetPrefix: 'AmazonSSM' },
};

/** A SigV4 signer for `service` with the benchmarks' test credentials (us-east-1), held like an SDK client holds one. */
export function benchSigner(service) {
  return new SignatureV4({
    service: SERVICES[service].signingName,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    sha256: Hash.bind(null, 'sha256'),
  });
}

/** The unsigned AWS JSON POST of `body` to `operation`, in the shape the signer takes. */
export function jsonRequest(endpoint, service, operation, body) {
  const u = new URL(endpoint);
  return {
    method: 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    query: {},
    headers: {
      host: u.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${SERVICES[service].targetPrefix}.${operation}`,
    },
    body,
  };
}

/** The headers of one signed POST of `body` to `operation`. */
export async function signedHeaders(endpoint, service, operation, body) {
  return (await benchSigner(service).sign(jsonRequest(endpoint, service, operation, body))).headers;
}

/** A runLoad() http target replaying one signed request. */
export async function presignedTarget(endpoint, service, operation, input) {
  const body = JSON.stringify(input);
  return {
    kind: 'http',
    url: `${endpoint}/`,
    method: 'POST',
    headers: { ...(await signedHeaders(endpoint, service, operation, body)), 'content-length': String(Buffer.byteLength(body)) },
    body,
  };
}

/** Sends a replay target once; resolves its 200 body (the bytes a same-bytes baseline must send). */
export function fetchOnce(target) {
  const url = new URL(target.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: target.method ?? 'GET', headers: target.headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 200) resolve(text);
          else reject(new Error(`${target.url}: HTTP ${res.statusCode} ${text}`));
        });
      },
    );
    req.on('error', reject);
    req.end(target.body);
  });
}
