/**
 * Test support for the extension: start `parasol extension` as a real process
 * (from source) against an upstream URL (usually a `startServe()` process), on
 * a free loopback port, with a fresh random token.
 *
 *   const serve = await startServe();
 *   const ext = await startExtension({ upstreamUrl: serve.url });
 *   await fetch(`${ext.url}/secretsmanager/get?secretId=x`, { headers: ext.headers });
 *   await ext.stop();
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer } from 'node:net';
import { CLI_SOURCE, type RunningProcess, spawnTs } from './processes.js';

export interface ExtensionProcess extends RunningProcess {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  /** The value to send in X-Aws-Parameters-Secrets-Token. */
  token: string;
  /** `{ 'X-Aws-Parameters-Secrets-Token': token }`, ready for fetch(). */
  headers: Record<string, string>;
}

export interface StartExtensionOptions {
  /** Where Secrets Manager and SSM are reached (AWS_ENDPOINT_URL). */
  upstreamUrl: string;
  /** Extra or overriding environment (e.g. SECRETS_MANAGER_TTL). */
  env?: NodeJS.ProcessEnv;
  /** Command-line arguments after `extension`. */
  args?: string[];
}

/** A port that was free a moment ago (the extension takes ports 1-65535 only, as AWS's does). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startExtension(opts: StartExtensionOptions): Promise<ExtensionProcess> {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  const proc = await spawnTs(CLI_SOURCE, ['extension', ...(opts.args ?? [])], {
    env: {
      AWS_ENDPOINT_URL: opts.upstreamUrl,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: '',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: '',
      AWS_LAMBDA_RUNTIME_API: '',
      AWS_TOKEN: token,
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
      ...opts.env,
    },
    readyPattern: /listening on (http:\/\/[^\s"]+)/,
  });
  return { ...proc, url: proc.match[1], port, token, headers: { 'X-Aws-Parameters-Secrets-Token': token } };
}

/** Upstream HTTP attempts the extension made for one API (e.g. GetSecretValue), read from its /metrics. */
export async function upstreamCalls(ext: { url: string; headers: Record<string, string> }, api: string): Promise<number> {
  const text = await (await fetch(`${ext.url}/metrics`, { headers: ext.headers })).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const m = line.match(/^parasol_upstream_requests_total\{api="([^"]+)",outcome="[^"]+"\} (\d+)/);
    if (m && m[1] === api) total += Number(m[2]);
  }
  return total;
}

/**
 * A named fake slow upstream: an HTTP proxy in front of a real upstream (a
 * `startServe()` process) that counts the requests it receives and holds each
 * one until `release()`, so a test can have many requests in flight at once
 * before any answer exists (a slow AWS endpoint). After `release()` requests
 * pass straight through.
 */
export interface GatedUpstream {
  url: string;
  /** Requests received so far (each is one upstream call the extension made). */
  readonly calls: number;
  /** Resolves once `n` requests have arrived. */
  waitForCalls(n: number): Promise<void>;
  release(): void;
  stop(): Promise<void>;
}

export async function startGatedUpstream(targetUrl: string): Promise<GatedUpstream> {
  const target = new URL(targetUrl);
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createHttpServer((req, res) => {
    calls++;
    for (const w of waiters.filter((w) => calls >= w.n)) w.resolve();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      await gate;
      const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return calls;
    },
    waitForCalls: (n) => (calls >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    release,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
