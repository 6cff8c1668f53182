/**
 * A minimal AWS JSON 1.1 client: signed POSTs over keep-alive agents (one per
 * service, `maxSockets` = PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS), a
 * per-service deadline covering all attempts, and the standard retry policy
 * (3 attempts, exponential backoff with full jitter) for throttling, 5xx and
 * network errors. Every outcome becomes a typed UpstreamError.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { UpstreamError } from '../errors.js';
import type { CredentialSource } from './credentials.js';
import { createSigner, type Signer } from './sigv4.js';

export interface ClientOptions {
  /** Signing name: `secretsmanager` or `ssm`. */
  service: string;
  /** X-Amz-Target prefix: `secretsmanager` or `AmazonSSM`. */
  targetPrefix: string;
  endpoint: string;
  region: string;
  credentials: CredentialSource;
  maxSockets: number;
  /** Deadline for one call including retries; 0 = none. */
  timeoutMs: number;
  userAgent: string;
  /** Called once per HTTP attempt (metrics). */
  onAttempt?: (operation: string, outcome: string, seconds: number) => void;
  maxAttempts?: number;
}

const THROTTLING_CODES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'TooManyUpdates',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
]);
const BASE_DELAY_MS = 100;
const THROTTLE_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;
/** Responses larger than this are not a GetSecretValue/GetParameter answer; stop reading. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

interface Transport {
  agent: HttpAgent;
  request: typeof httpRequest;
}

export class AwsJsonClient {
  private readonly url: URL;
  private transport: Promise<Transport> | undefined;
  private agent: HttpAgent | undefined;
  private signer: Promise<Signer> | undefined;

  constructor(private readonly options: ClientOptions) {
    this.url = new URL(options.endpoint);
  }

  /** node:https (TLS) is imported only when an https endpoint is first called: it costs start-up time and memory. */
  private connect(): Promise<Transport> {
    this.transport ??= (async () => {
      const agentOptions = { keepAlive: true, maxSockets: this.options.maxSockets, scheduling: 'lifo' as const };
      if (this.url.protocol !== 'https:') {
        this.agent = new HttpAgent(agentOptions);
        return { agent: this.agent, request: httpRequest };
      }
      const https = await import('node:https');
      this.agent = new https.Agent(agentOptions);
      return { agent: this.agent, request: https.request as typeof httpRequest };
    })();
    return this.transport;
  }

  async call<T>(operation: string, input: object): Promise<T> {
    const { timeoutMs, maxAttempts = 3 } = this.options;
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : Number.POSITIVE_INFINITY;
    const body = JSON.stringify(input);
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      try {
        const result = await this.attempt<T>(operation, body, deadline);
        this.options.onAttempt?.(operation, 'success', (performance.now() - started) / 1000);
        return result;
      } catch (e) {
        const error = e instanceof UpstreamError ? e : new UpstreamError('network', 'ConnectionError', describe(e));
        this.options.onAttempt?.(operation, outcomeOf(error), (performance.now() - started) / 1000);
        if (!error.transient || error.failure === 'timeout' || attempt >= maxAttempts) throw error;
        const cap = Math.min(MAX_DELAY_MS, (error.failure === 'throttled' ? THROTTLE_BASE_DELAY_MS : BASE_DELAY_MS) * 2 ** (attempt - 1));
        const delay = Math.random() * cap;
        if (Date.now() + delay >= deadline) throw timeoutError(timeoutMs);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  close(): void {
    this.agent?.destroy();
  }

  private async attempt<T>(operation: string, body: string, deadline: number): Promise<T> {
    if (!this.signer) {
      this.signer = createSigner(this.options.service, this.options.region, this.options.credentials);
      this.signer.catch(() => {
        this.signer = undefined; // a failed import is retried on the next call
      });
    }
    const signer = await this.signer;
    const transport = await this.connect();
    const { url } = this;
    const headers = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: '/',
      headers: {
        host: url.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${this.options.targetPrefix}.${operation}`,
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': this.options.userAgent,
      },
      body,
    });
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timeoutError(this.options.timeoutMs);

    return new Promise<T>((resolve, reject) => {
      const req = transport.request(
        { host: url.hostname, port: url.port || undefined, path: '/', method: 'POST', headers, agent: transport.agent },
        (res) => readResponse(res, resolve, reject),
      );
      let timer: NodeJS.Timeout | undefined;
      if (Number.isFinite(remaining)) {
        timer = setTimeout(() => req.destroy(timeoutError(this.options.timeoutMs)), remaining);
      }
      req.on('error', (e) => reject(e instanceof UpstreamError ? e : new UpstreamError('network', 'ConnectionError', describe(e))));
      req.on('close', () => clearTimeout(timer));
      req.end(body);
    });
  }
}

function readResponse<T>(res: IncomingMessage, resolve: (v: T) => void, reject: (e: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      res.destroy(new UpstreamError('server', 'ResponseError', 'upstream response too large'));
      return;
    }
    chunks.push(chunk);
  });
  res.on('error', (e) => reject(e instanceof UpstreamError ? e : new UpstreamError('network', 'ConnectionError', describe(e))));
  res.on('end', () => {
    const status = res.statusCode ?? 0;
    let parsed: any;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      reject(
        new UpstreamError(status >= 500 ? 'server' : 'network', 'ResponseError', `upstream sent an unparseable response (HTTP ${status})`),
      );
      return;
    }
    if (status === 200) {
      resolve(parsed as T);
      return;
    }
    const error = errorFromResponse(status, parsed, res.headers['x-amzn-errortype']);
    error.wire = { status, body: Buffer.concat(chunks) }; // replayed as is by the SDK-shaped endpoint
    reject(error);
  });
}

/** `__type` may be `prefix#Code` or carry a `:detail` suffix; AWS JSON puts the text in `message` or `Message`. */
export function errorFromResponse(status: number, body: any, headerType?: string | string[]): UpstreamError {
  const raw = String(body?.__type ?? body?.code ?? (Array.isArray(headerType) ? headerType[0] : headerType) ?? 'UnknownError');
  const code = raw.slice(raw.lastIndexOf('#') + 1).split(':')[0] || 'UnknownError';
  const message = String(body?.message ?? body?.Message ?? '');
  if (status === 429 || THROTTLING_CODES.has(code)) return new UpstreamError('throttled', code, message);
  if (status >= 500) return new UpstreamError('server', code, message);
  return new UpstreamError('client', code, message);
}

function outcomeOf(e: UpstreamError): string {
  switch (e.failure) {
    case 'client':
      return 'client_error';
    case 'server':
      return 'server_error';
    case 'network':
      return 'network_error';
    case 'credentials':
      return 'credentials_error';
    default:
      return e.failure;
  }
}

function timeoutError(timeoutMs: number): UpstreamError {
  return new UpstreamError('timeout', 'TimeoutError', `upstream did not answer within ${timeoutMs} ms`);
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  const message = e instanceof Error ? e.message : 'unknown error';
  return code ? `upstream unreachable (${code})` : `upstream unreachable (${message})`;
}
