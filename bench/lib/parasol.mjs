// Shared by the benchmark suites: the built `parasol serve` in its own process,
// and one AWS JSON request signed with the SDK's signer for replay by the plain
// HTTP load generator (valid for the signature's 15 minutes), which measures a
// server without an SDK client's own CPU cost.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));

/** Starts `parasol serve --port 0 <args>`; resolves { url, stop() }. */
export function startServe(args = ['--in-memory']) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args, '--log-level', 'error'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve({ url: m[1], stop: () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`parasol serve exited ${code}: ${out}`)));
  });
}

const SERVICES = {
  secretsmanager: { signingName: 'secretsmanager', targetPrefix: 'secretsmanager' },
  ssm: { signingName: 'ssm', targetPrefix: 'AmazonSSM' },
};

/** The headers of one signed POST of `input` to `operation` (test credentials, us-east-1). */
export async function signedHeaders(endpoint, service, operation, body) {
  const { signingName, targetPrefix } = SERVICES[service];
  const u = new URL(endpoint);
  const signer = new SignatureV4({
    service: signingName,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: '/',
    query: {},
    headers: { host: u.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${targetPrefix}.${operation}` },
    body,
  });
  return signed.headers;
}

/** A runLoad() http target replaying one signed request. */
export async function presignedTarget(endpoint, service, operation, input) {
  const body = JSON.stringify(input);
  return { kind: 'http', url: `${endpoint}/`, method: 'POST', headers: await signedHeaders(endpoint, service, operation, body), body };
}
