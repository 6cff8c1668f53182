/**
 * The Lambda Extensions API (2020-01-01): register, long-poll /event/next,
 * report errors. Long polls use a dedicated agent and no timeout at all — the
 * environment may be frozen with the call pending, and a timeout there would
 * end the poll loop (a crash, for Lambda).
 */
import { Agent, request } from 'node:http';

export type LambdaEvent =
  | { eventType: 'INVOKE'; deadlineMs?: number; requestId?: string }
  | { eventType: 'SHUTDOWN'; deadlineMs?: number; shutdownReason?: string };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class ExtensionsApi {
  /** No keep-alive: a pooled socket may have been closed by the far side while the environment was frozen. */
  private readonly agent = new Agent({ keepAlive: false, maxSockets: 1 });
  private readonly base: string;
  private id: string | undefined;

  constructor(runtimeApi: string) {
    this.base = `http://${runtimeApi}/2020-01-01/extension`;
  }

  /** Registers; returns the extension identifier Lambda assigned. */
  async register(name: string, events: string[]): Promise<string> {
    const reply = await this.call('POST', '/register', { 'lambda-extension-name': name }, JSON.stringify({ events }));
    if (reply.status !== 200) throw new Error(`register failed: HTTP ${reply.status} ${reply.body.slice(0, 300)}`);
    const id = reply.headers['lambda-extension-identifier'];
    if (typeof id !== 'string' || !id) throw new Error('register answered without a Lambda-Extension-Identifier header');
    this.id = id;
    return id;
  }

  async next(): Promise<LambdaEvent> {
    const reply = await this.call('GET', '/event/next', this.identity());
    if (reply.status !== 200) throw new Error(`event/next failed: HTTP ${reply.status} ${reply.body.slice(0, 300)}`);
    const event = JSON.parse(reply.body) as { eventType?: string };
    if (event.eventType !== 'INVOKE' && event.eventType !== 'SHUTDOWN') throw new Error(`unknown event type ${event.eventType}`);
    return event as LambdaEvent;
  }

  /** Before the first /next. */
  initError(type: string, message: string): Promise<unknown> {
    return this.report('/init/error', type, message);
  }

  /** Any time after /register. */
  exitError(type: string, message: string): Promise<unknown> {
    return this.report('/exit/error', type, message);
  }

  close(): void {
    this.agent.destroy();
  }

  private report(path: string, type: string, message: string): Promise<unknown> {
    return this.call(
      'POST',
      path,
      { ...this.identity(), 'lambda-extension-function-error-type': type },
      JSON.stringify({ errorMessage: message, errorType: type, stackTrace: [] }),
    );
  }

  private identity(): Record<string, string> {
    return this.id ? { 'lambda-extension-identifier': this.id } : {};
  }

  private call(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.base}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            ...headers,
            ...(body !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}
