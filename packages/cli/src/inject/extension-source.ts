/**
 * Values read through a running Parameters and Secrets extension on loopback
 * (`127.0.0.1:$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`, default 2773), with
 * the token from AWS_TOKEN, AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN
 * (a `file://PATH` value is read from that file), as the extension itself and
 * @parasol/client look for it. Node built-ins only: the Lambda exec wrapper
 * runs this during INIT.
 *
 * One GET per distinct read, all at once. JSON keys are taken out here, so the
 * extension is asked for whole secrets (a batch route would replace the loops
 * in `fetchers` only).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { Fetchers, Outcome, ParameterOutput, ParameterRead, PathEntry, SecretOutput, SecretRead, ValueSource } from './source.js';
import { resolveWith } from './source.js';

export const TOKEN_HEADER = 'X-Aws-Parameters-Secrets-Token';
export const TOKEN_VARIABLES = ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'] as const;
const DEFAULT_PORT = 2773;
const NOT_READY = /not ready to serve traffic/i;

/** A problem with the extension itself (unreachable, no token, bad port): no reference resolves. */
export class ExtensionUnavailableError extends Error {
  readonly code = 'ExtensionUnavailable';
}

/** The extension's base URL from PARAMETERS_SECRETS_EXTENSION_HTTP_PORT. */
export function extensionUrl(env: NodeJS.ProcessEnv): string {
  const raw = env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT?.trim();
  const port = raw ? Number(raw) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ExtensionUnavailableError(`PARAMETERS_SECRETS_EXTENSION_HTTP_PORT must be a port number (1-65535), got '${raw}'`);
  }
  return `http://127.0.0.1:${port}`;
}

/** The token to send, and the variable it came from; undefined when none is set. */
export function extensionToken(env: NodeJS.ProcessEnv): { token: string; source: string } | undefined {
  for (const name of TOKEN_VARIABLES) {
    const raw = env[name];
    if (!raw) continue;
    if (!raw.startsWith('file://')) return { token: raw, source: name };
    const path = raw.slice('file://'.length);
    let content: string;
    try {
      content = readFileSync(path, 'utf8').trim();
    } catch (e) {
      throw new ExtensionUnavailableError(
        `${name} points to file ${path}, which cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (!content) throw new ExtensionUnavailableError(`${name} points to file ${path}, which is empty`);
    return { token: content, source: `${name} (file)` };
  }
  return undefined;
}

interface Answer {
  status: number;
  body: string;
}

export interface ExtensionSourceOptions {
  url: string;
  token: string;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

export class ExtensionSource implements ValueSource {
  readonly description: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly options: ExtensionSourceOptions) {
    this.description = `the extension at ${options.url}`;
  }

  private readonly fetchers: Fetchers = {
    secrets: (reads) => Promise.all(reads.map((r) => this.getSecret(r))),
    parameters: (reads) => Promise.all(reads.map((r) => this.getParameter(r))),
  };

  resolve(refs: Parameters<ValueSource['resolve']>[0]) {
    return resolveWith(this.fetchers, refs);
  }

  parametersByPath(path: string): Promise<PathEntry[]> {
    return Promise.reject(
      new ExtensionUnavailableError(
        `--path ${path}: the extension has no by-path route; read paths from the service directly (--source service)`,
      ),
    );
  }

  close(): void {
    this.agent.destroy();
  }

  private getSecret(read: SecretRead): Promise<Outcome<SecretOutput>> {
    const query = new URLSearchParams({ secretId: read.secretId });
    if (read.versionStage) query.set('versionStage', read.versionStage);
    if (read.versionId) query.set('versionId', read.versionId);
    return this.getJson(`/secretsmanager/get?${query}`);
  }

  private async getParameter(read: ParameterRead): Promise<Outcome<ParameterOutput>> {
    const query = new URLSearchParams({ name: read.name, withDecryption: 'true' });
    if (read.version) query.set('version', read.version);
    if (read.label) query.set('label', read.label);
    const outcome = await this.getJson<{ Parameter?: ParameterOutput }>(`/systemsmanager/parameters/get?${query}`);
    return outcome.ok ? { ok: true, output: outcome.output.Parameter ?? {} } : outcome;
  }

  /** GET with the token; "not ready to serve traffic" (AWS's extension during INIT) is retried briefly. */
  private async getJson<T>(pathAndQuery: string): Promise<Outcome<T>> {
    let backoff = 20;
    for (let attempt = 0; ; attempt++) {
      const answer = await this.get(pathAndQuery);
      if (answer.status === 200) {
        try {
          return { ok: true, output: JSON.parse(answer.body) as T };
        } catch {
          return { ok: false, code: 'InvalidResponse', message: 'the extension answered 200 with a body that is not JSON' };
        }
      }
      if (answer.status === 400 && NOT_READY.test(answer.body) && attempt < 5) {
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff *= 2;
        continue;
      }
      return errorOutcome(answer);
    }
  }

  private get(pathAndQuery: string): Promise<Answer> {
    const url = new URL(pathAndQuery, this.options.url);
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method: 'GET', agent: this.agent, headers: { [TOKEN_HEADER]: this.options.token }, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new ExtensionUnavailableError(`the extension at ${this.options.url} did not answer within ${timeoutMs} ms`)),
      );
      req.on('error', (e) =>
        reject(
          e instanceof ExtensionUnavailableError
            ? e
            : new ExtensionUnavailableError(
                `cannot reach the extension at ${this.options.url} (${(e as NodeJS.ErrnoException).code ?? e.message})`,
              ),
        ),
      );
      req.end();
    });
  }
}

/** `{"__type","message"}` (parasol, the Secrets Manager Agent), else the AWS extension's plain text. */
function errorOutcome(answer: Answer): { ok: false; code: string; message: string } {
  if (answer.status === 401 || answer.status === 403) {
    return { ok: false, code: 'AccessDenied', message: `the extension refused the token (HTTP ${answer.status})` };
  }
  try {
    const parsed = JSON.parse(answer.body) as { __type?: unknown; message?: unknown; Message?: unknown };
    const raw = typeof parsed.__type === 'string' ? parsed.__type : 'ExtensionError';
    const message = typeof parsed.message === 'string' ? parsed.message : typeof parsed.Message === 'string' ? parsed.Message : '';
    return { ok: false, code: raw.slice(raw.lastIndexOf('#') + 1), message: message || `the extension answered HTTP ${answer.status}` };
  } catch {
    return {
      ok: false,
      code: 'ExtensionError',
      message: answer.body.trim().slice(0, 300) || `the extension answered HTTP ${answer.status}`,
    };
  }
}

/**
 * Whether something answers HTTP on the extension's port (any status: AWS's
 * extension has no /ping). A refused or silent port means no extension.
 */
export function extensionAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(new URL('/ping', url), { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
