/**
 * A FAKE Lambda Runtime API — only the Extensions API part an external
 * extension uses (the real one exists only inside Lambda). Shapes follow
 * AWS's Lambda Extensions API reference
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html):
 *   POST /2020-01-01/extension/register   → 200, Lambda-Extension-Identifier
 *   GET  /2020-01-01/extension/event/next → held until the test calls shutdown()/invoke()
 *   POST /2020-01-01/extension/init/error, /exit/error → 202, recorded
 * Every call is recorded so tests can assert on what the extension did.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Registration {
  name: string;
  id: string;
  events: string[];
}

export class FakeLambdaRuntimeApi {
  readonly calls: RecordedCall[] = [];
  readonly registrations: Registration[] = [];
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  private readonly pendingNext: http.ServerResponse[] = [];
  private readonly queued: object[] = [];
  private registered?: (r: Registration) => void;
  private readonly registeredPromise = new Promise<Registration>((resolve) => {
    this.registered = resolve;
  });

  /** Starts on a free loopback port; `address` is the value for AWS_LAMBDA_RUNTIME_API. */
  static async start(): Promise<FakeLambdaRuntimeApi> {
    const api = new FakeLambdaRuntimeApi();
    api.server.listen(0, '127.0.0.1');
    await once(api.server, 'listening');
    return api;
  }

  get address(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Resolves with the first successful /register. */
  registration(): Promise<Registration> {
    return this.registeredPromise;
  }

  /** Calls to /init/error and /exit/error so far. */
  errorReports(): RecordedCall[] {
    return this.calls.filter((c) => c.path.endsWith('/init/error') || c.path.endsWith('/exit/error'));
  }

  /** Hands a SHUTDOWN event to the (next) pending /event/next. */
  shutdown(reason = 'spindown', budgetMs = 2000): void {
    this.deliver({ eventType: 'SHUTDOWN', shutdownReason: reason, deadlineMs: Date.now() + budgetMs });
  }

  /** Hands an INVOKE event to the (next) pending /event/next. */
  invoke(): void {
    this.deliver({
      eventType: 'INVOKE',
      deadlineMs: Date.now() + 30_000,
      requestId: randomUUID(),
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:layer-test',
      tracing: { type: 'X-Amzn-Trace-Id', value: 'Root=1-00000000-000000000000000000000000;Sampled=0' },
    });
  }

  async close(): Promise<void> {
    for (const res of this.pendingNext.splice(0)) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
  }

  private deliver(event: object): void {
    const res = this.pendingNext.shift();
    if (!res) {
      this.queued.push(event);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Extension-Event-Identifier': randomUUID() });
    res.end(JSON.stringify(event));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      this.calls.push({ method: req.method ?? '', path, headers: req.headers, body });
      const reply = (status: number, payload: object, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const forbidden = (errorType: string, errorMessage: string) => reply(403, { errorType, errorMessage });
      const id = req.headers['lambda-extension-identifier'];
      const known = typeof id === 'string' && this.registrations.some((r) => r.id === id);

      if (req.method === 'POST' && path === '/2020-01-01/extension/register') {
        const name = req.headers['lambda-extension-name'];
        if (typeof name !== 'string' || name === '') return forbidden('Extension.InvalidExtensionName', 'empty extension name');
        let events: string[];
        try {
          events = (JSON.parse(body) as { events?: string[] }).events ?? [];
        } catch {
          return forbidden('InvalidRequestFormat', 'body is not JSON');
        }
        if (this.registrations.some((r) => r.name === name)) return forbidden('Extension.InvalidExtensionState', 'already registered');
        const registration = { name, id: randomUUID(), events };
        this.registrations.push(registration);
        this.registered?.(registration);
        return reply(
          200,
          { functionName: 'layer-test', functionVersion: '$LATEST', handler: 'index.handler' },
          { 'Lambda-Extension-Identifier': registration.id },
        );
      }
      if (!known) return forbidden('Extension.UnknownExtensionIdentifier', 'unknown or missing Lambda-Extension-Identifier');
      if (req.method === 'GET' && path === '/2020-01-01/extension/event/next') {
        // Long poll: held until the test delivers an event.
        this.pendingNext.push(res);
        const queued = this.queued.shift();
        if (queued) this.deliver(queued);
        return;
      }
      if (req.method === 'POST' && (path === '/2020-01-01/extension/init/error' || path === '/2020-01-01/extension/exit/error')) {
        if (!req.headers['lambda-extension-function-error-type']) return forbidden('Extension.MissingHeader', 'missing error type');
        return reply(202, { status: 'OK' });
      }
      reply(404, { errorType: 'NotFound', errorMessage: `no route ${req.method} ${path}` });
    });
  }
}
