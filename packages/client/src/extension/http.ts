/**
 * Loopback HTTP client for the Parameters and Secrets extension: plain `node:http` with a keep-alive agent,
 * the token header, a bounded retry of the AWS extension's "not ready to serve traffic" 400, and the
 * extension's JSON errors (`{"__type","message"}`) turned into {@link ExtensionError}s. Node built-ins only.
 */
import type { Agent } from 'node:http';
import { ExtensionError } from '../errors.js';

export const TOKEN_HEADER = 'X-Aws-Parameters-Secrets-Token';
export const DEFAULT_PORT = 2773;

export interface ExtensionClientOptions {
  /** Base URL of the extension. Default `http://127.0.0.1:<PARAMETERS_SECRETS_EXTENSION_HTTP_PORT or 2773>`. */
  endpoint?: string;
  /** Token sent in `X-Aws-Parameters-Secrets-Token`. Default: `AWS_TOKEN`, `AWS_SESSION_TOKEN`, then `AWS_CONTAINER_AUTHORIZATION_TOKEN`. */
  token?: string;
  /** Per-request timeout in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** How many times to retry "not ready to serve traffic" (backoff 20 ms, doubling, about 0.6 s in all). Default 5. */
  notReadyRetries?: number;
}

const NOT_READY = /not ready to serve traffic/i;
const FIRST_BACKOFF_MS = 20;

type Http = typeof import('node:http');
let http: Promise<Http> | undefined;
let sharedAgent: Agent | undefined;
/** `node:http` is loaded on the first request, not at import: it is most of what importing would cost. */
function loadHttp(): Promise<Http> {
  http ??= import('node:http');
  return http;
}

/** The token the extension expects, found the way the extension and the Secrets Manager Agent look for it. */
export function tokenFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_TOKEN || env.AWS_SESSION_TOKEN || env.AWS_CONTAINER_AUTHORIZATION_TOKEN || undefined;
}

export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT;
  const port = raw === undefined || raw.trim() === '' ? DEFAULT_PORT : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ExtensionError(
      'InvalidConfiguration',
      `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT must be a port number (1-65535), got ${raw}`,
      0,
    );
  }
  return `http://127.0.0.1:${port}`;
}

interface RawResponse {
  status: number;
  body: string;
}

export class ExtensionHttpClient {
  private readonly timeoutMs: number;
  private readonly notReadyRetries: number;

  constructor(private readonly options: ExtensionClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.notReadyRetries = options.notReadyRetries ?? 5;
    if (options.endpoint !== undefined) new URL(options.endpoint); // a bad URL fails at construction
  }

  /** GETs `path` (with query) and returns the parsed JSON body, or throws an {@link ExtensionError}. */
  async getJson(pathAndQuery: string): Promise<Record<string, unknown>> {
    const token = this.options.token ?? tokenFromEnv();
    if (!token) {
      throw new ExtensionError(
        'MissingToken',
        'no token for the extension: set AWS_SESSION_TOKEN (Lambda sets it), AWS_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN, or pass { token }',
        0,
      );
    }
    const url = new URL(pathAndQuery, this.options.endpoint ?? endpointFromEnv());
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(url, token);
      if (response.status === 200) return parseBody(response);
      if (response.status === 400 && NOT_READY.test(response.body)) {
        if (attempt < this.notReadyRetries) {
          await new Promise((resolve) => setTimeout(resolve, backoff));
          backoff *= 2;
          continue;
        }
        throw new ExtensionError('ExtensionNotReady', `the extension is not ready to serve traffic (after ${attempt + 1} attempts)`, 400);
      }
      throw errorFrom(response);
    }
  }

  /** One request; a stale keep-alive socket (reset before any answer) is retried once on a new socket. */
  private async send(url: URL, token: string, retried = false): Promise<RawResponse> {
    try {
      return await this.sendOnce(url, token);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!retried && (code === 'ECONNRESET' || code === 'EPIPE')) return this.send(url, token, true);
      if (error instanceof ExtensionError) throw error;
      throw new ExtensionError(
        'ExtensionUnreachable',
        `cannot reach the extension at ${url.origin}: ${code ?? (error as Error).message}`,
        0,
        {
          cause: error,
        },
      );
    }
  }

  private async sendOnce(url: URL, token: string): Promise<RawResponse> {
    const { Agent, request } = await loadHttp();
    sharedAgent ??= new Agent({ keepAlive: true, maxSockets: 32 });
    const agent = sharedAgent;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', agent, headers: { [TOKEN_HEADER]: token }, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf-8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => {
        req.destroy(new ExtensionError('ExtensionTimeout', `the extension did not answer within ${this.timeoutMs} ms`, 0));
      });
      req.on('error', reject);
      req.end();
    });
  }
}

function parseBody(response: RawResponse): Record<string, unknown> {
  try {
    const parsed = JSON.parse(response.body);
    if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ExtensionError('InvalidResponse', 'the extension answered 200 with a body that is not a JSON object', response.status);
}

/** `{"__type","message"}` (parasol, the Secrets Manager Agent), else the AWS extension's plain text. */
function errorFrom(response: RawResponse): ExtensionError {
  try {
    const parsed = JSON.parse(response.body) as { __type?: unknown; message?: unknown; Message?: unknown };
    if (parsed && typeof parsed === 'object') {
      const rawType = typeof parsed.__type === 'string' ? parsed.__type : 'ExtensionError';
      const code = rawType.includes('#') ? rawType.slice(rawType.lastIndexOf('#') + 1) : rawType;
      const message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : '';
      return new ExtensionError(code, message || `the extension answered HTTP ${response.status}`, response.status);
    }
  } catch {
    // not JSON
  }
  const text = response.body.trim().slice(0, 500);
  return new ExtensionError('ExtensionError', text || `the extension answered HTTP ${response.status}`, response.status);
}
