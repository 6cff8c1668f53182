/**
 * Values read through a running Parameters and Secrets extension on loopback
 * (`127.0.0.1:$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`, default 2773), with
 * the token from AWS_TOKEN, AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN
 * (a `file://PATH` value is read from that file), as the extension itself and
 * @parasol/client look for it. Node built-ins only: the Lambda exec wrapper
 * runs this during INIT.
 *
 * Secrets at AWSCURRENT go to the extension's batch route
 * (`/secretsmanager/batchget`, 20 ids a request) and parameters to
 * `/systemsmanager/parameters/getparameters` (10 names a request), so a
 * handful of names is one round trip per service; secrets with a version
 * stage or id take one GET each. An extension without the batch routes
 * (404) is asked one GET per read instead, all at once. JSON keys are taken
 * out here, so the extension is always asked for whole secrets.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { Fetchers, Outcome, ParameterOutput, ParameterRead, PathEntry, SecretOutput, SecretRead, ValueSource } from './source.js';
import { resolveWith } from './source.js';

export const TOKEN_HEADER = 'X-Aws-Parameters-Secrets-Token';
export const TOKEN_VARIABLES = ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN'] as const;
const DEFAULT_PORT = 2773;
const NOT_READY = /not ready to serve traffic/i;
/** The batch routes' limits (BatchGetSecretValue: 20 ids; GetParameters: 10 names). */
export const BATCH_SECRETS = 20;
export const BATCH_PARAMETERS = 10;

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
  /** Where parameter paths are read (the extension has no by-path route); closed with this source. */
  paths?: Pick<ValueSource, 'parametersByPath' | 'close'>;
}

export class ExtensionSource implements ValueSource {
  readonly description: string;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly options: ExtensionSourceOptions) {
    this.description = `the extension at ${options.url}`;
  }

  /** False once the extension answered a batch route with 404: it has none, so ask one GET per read. */
  private batchRoutes = true;

  private readonly fetchers: Fetchers = {
    secrets: async (reads) => {
      const out = new Array<Outcome<SecretOutput>>(reads.length);
      // AWSCURRENT reads go in batches; a version stage or id needs a GET of its own. All at once.
      const current = reads.flatMap((r, i) => (this.batchRoutes && !r.versionStage && !r.versionId ? [i] : []));
      const single = reads.flatMap((_, i) => (current.includes(i) ? [] : [i]));
      await Promise.all([
        ...single.map(async (i) => {
          out[i] = await this.getSecret(reads[i]);
        }),
        ...chunks(current, BATCH_SECRETS).map(async (indexes) => {
          const got = await this.batchSecrets(indexes.map((i) => reads[i].secretId));
          await Promise.all(indexes.map(async (i, k) => (out[i] = got ? got[k] : await this.getSecret(reads[i]))));
        }),
      ]);
      return out;
    },
    parameters: async (reads) => {
      const out = new Array<Outcome<ParameterOutput>>(reads.length);
      await Promise.all(
        chunks(
          reads.map((_, i) => i),
          BATCH_PARAMETERS,
        ).map(async (indexes) => {
          const got = this.batchRoutes ? await this.batchParameters(indexes.map((i) => reads[i])) : undefined;
          await Promise.all(indexes.map(async (i, k) => (out[i] = got ? got[k] : await this.getParameter(reads[i]))));
        }),
      );
      return out;
    },
  };

  resolve(refs: Parameters<ValueSource['resolve']>[0]) {
    return resolveWith(this.fetchers, refs);
  }

  /** The extension has no by-path route: paths are read by `options.paths` (the service, directly) when given. */
  parametersByPath(path: string): Promise<PathEntry[]> {
    if (this.options.paths) return this.options.paths.parametersByPath(path);
    return Promise.reject(new ExtensionUnavailableError(`--path ${path}: the extension has no by-path route`));
  }

  close(): void {
    this.agent.destroy();
    this.options.paths?.close();
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

  /** One batch GET for up to 20 secret ids; undefined when the extension has no batch route. */
  private async batchSecrets(ids: string[]): Promise<Outcome<SecretOutput>[] | undefined> {
    const query = new URLSearchParams(ids.map((id): [string, string] => ['secretId', id]));
    const answer = await this.getBatch<{ SecretValues?: BatchSecret[]; Errors?: BatchError[] }>(`/secretsmanager/batchget?${query}`);
    if (!answer) return undefined;
    if (!answer.ok) return ids.map(() => answer);
    const values = answer.output.SecretValues ?? [];
    const errors = answer.output.Errors ?? [];
    return ids.map((id): Outcome<SecretOutput> => {
      const value = values.find((v) => v.Name === id || v.ARN === id);
      if (value) return { ok: true, output: value };
      const error = errors.find((e) => e.SecretId === id);
      if (error) return { ok: false, code: error.ErrorCode ?? 'UnknownError', message: error.Message ?? '' };
      return { ok: false, code: 'InvalidResponse', message: `the extension's batch answer has no entry for secret '${id}'` };
    });
  }

  /** One batch GET for up to 10 parameters (`name`, `name:version`, `name:label`); undefined when the extension has no batch route. */
  private async batchParameters(reads: ParameterRead[]): Promise<Outcome<ParameterOutput>[] | undefined> {
    const asked = reads.map((r) => (r.version ? `${r.name}:${r.version}` : r.label ? `${r.name}:${r.label}` : r.name));
    const query = new URLSearchParams([...asked.map((n): [string, string] => ['names', n]), ['withDecryption', 'true']]);
    const answer = await this.getBatch<{ Parameters?: BatchParameter[]; InvalidParameters?: string[] }>(
      `/systemsmanager/parameters/getparameters?${query}`,
    );
    if (!answer) return undefined;
    if (!answer.ok) return asked.map(() => answer);
    const parameters = answer.output.Parameters ?? [];
    const invalid = new Set(answer.output.InvalidParameters ?? []);
    return asked.map((name): Outcome<ParameterOutput> => {
      // GetParameters answers a selector request with the plain Name and the selector apart.
      const found = parameters.find((p) => `${p.Name}${p.Selector ?? ''}` === name || p.Name === name || p.ARN === name);
      if (found) return { ok: true, output: found };
      if (invalid.has(name)) return { ok: false, code: 'ParameterNotFound', message: `parameter '${name}' not found` };
      return { ok: false, code: 'InvalidResponse', message: `the extension's batch answer has no entry for parameter '${name}'` };
    });
  }

  /** A batch route's answer; undefined (and no more batch requests) when the route does not exist (404). */
  private async getBatch<T>(pathAndQuery: string): Promise<Outcome<T> | undefined> {
    if (!this.batchRoutes) return undefined;
    const outcome = await this.getJson<T>(pathAndQuery, true);
    if (outcome === undefined) this.batchRoutes = false;
    return outcome;
  }

  /** GET with the token; "not ready to serve traffic" (AWS's extension during INIT) is retried briefly. */
  private async getJson<T>(pathAndQuery: string): Promise<Outcome<T>>;
  private async getJson<T>(pathAndQuery: string, undefinedOn404: true): Promise<Outcome<T> | undefined>;
  private async getJson<T>(pathAndQuery: string, undefinedOn404 = false): Promise<Outcome<T> | undefined> {
    let backoff = 20;
    for (let attempt = 0; ; attempt++) {
      const answer = await this.get(pathAndQuery);
      if (answer.status === 404 && undefinedOn404) return undefined;
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

interface BatchSecret extends SecretOutput {
  Name?: string;
  ARN?: string;
}
interface BatchError {
  SecretId?: string;
  ErrorCode?: string;
  Message?: string;
}
interface BatchParameter extends ParameterOutput {
  Name?: string;
  ARN?: string;
  Selector?: string;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
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
