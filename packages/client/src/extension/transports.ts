/** Extension mode transports: every read is a GET to the extension; what it does not offer is refused clearly. */
import type { BatchSecretsResult, ParameterRequest, PutRequest, SecretRequest, SecretsTransport, SsmTransport } from '../core/transport.js';
import { ExtensionError, errorCodeOf, isNotFoundCode, UnsupportedOperationError } from '../errors.js';
import type { ExtensionHttpClient } from './http.js';

const MAX_BATCH_SECRETS = 20;

function repeated(name: string, values: string[]): string {
  return values.map((v) => `${name}=${encodeURIComponent(v)}`).join('&');
}

/** The extension has no batch route: parasol before batches answers 404 NotFoundException, AWS's extension a plain 400. */
function routeMissing(error: unknown): boolean {
  return (
    error instanceof ExtensionError &&
    ((error.status === 404 && error.code === 'NotFoundException') || (error.status === 400 && error.code === 'ExtensionError'))
  );
}

/** Errors that concern the whole extension (not one name): they fail a batch instead of landing in `_errors`. */
function isTransportWide(error: unknown): boolean {
  return (
    error instanceof ExtensionError &&
    (error.status === 0 || error.status === 401 || error.status === 403 || error.code === 'ExtensionNotReady')
  );
}

export class ExtensionSecretsTransport implements SecretsTransport {
  constructor(private readonly http: ExtensionHttpClient) {}

  async getSecretValue(request: SecretRequest): Promise<string | Uint8Array | undefined> {
    const query = new URLSearchParams({ secretId: request.secretId });
    if (request.versionId !== undefined) query.set('versionId', request.versionId);
    if (request.versionStage !== undefined) query.set('versionStage', request.versionStage);
    if (request.jsonKey !== undefined) query.set('jsonKey', request.jsonKey);
    if (request.refreshNow) query.set('refreshNow', 'true');
    const body = await this.http.getJson(`/secretsmanager/get?${query}`);
    if (typeof body.SecretString === 'string') return body.SecretString;
    // The extension sends SecretBinary base64-encoded; SDK mode returns bytes, so do we.
    if (typeof body.SecretBinary === 'string') return new Uint8Array(Buffer.from(body.SecretBinary, 'base64'));
    return undefined;
  }

  /**
   * `GET /secretsmanager/batchget` (20 ids a request): the extension answers hits from its cache and fetches
   * the misses in one BatchGetSecretValue. An extension without the route (AWS's, or an older parasol) answers
   * 404 or 400; then one cached GET per id, all in parallel over keep-alive.
   */
  async batchGetSecretValue(secretIds: string[]): Promise<BatchSecretsResult> {
    const values = new Map<string, string | Uint8Array>();
    const errors: BatchSecretsResult['errors'] = [];
    for (let i = 0; i < secretIds.length; i += MAX_BATCH_SECRETS) {
      const chunk = secretIds.slice(i, i + MAX_BATCH_SECRETS);
      let body: Record<string, unknown>;
      try {
        body = await this.http.getJson(`/secretsmanager/batchget?${repeated('secretId', chunk)}`);
      } catch (error) {
        if (!routeMissing(error)) throw error;
        const one = await this.batchBySingleGets(chunk);
        for (const [id, value] of one.values) values.set(id, value);
        errors.push(...one.errors);
        continue;
      }
      const found = (body.SecretValues ?? []) as Array<{
        Name?: string;
        ARN?: string;
        SecretString?: string | null;
        SecretBinary?: string | null;
      }>;
      for (const secret of found) {
        const id = chunk.find(
          (requested) => requested === secret.Name || requested === secret.ARN || secret.ARN?.startsWith(`${requested}-`),
        );
        if (id === undefined) continue;
        if (typeof secret.SecretString === 'string') values.set(id, secret.SecretString);
        else if (typeof secret.SecretBinary === 'string') values.set(id, new Uint8Array(Buffer.from(secret.SecretBinary, 'base64')));
      }
      for (const e of (body.Errors ?? []) as Array<{ SecretId?: string; ErrorCode?: string; Message?: string }>) {
        errors.push({ secretId: e.SecretId ?? '', code: e.ErrorCode ?? 'UnknownError', message: e.Message ?? '' });
      }
      for (const id of chunk) {
        if (!values.has(id) && !errors.some((e) => e.secretId === id))
          errors.push({ secretId: id, code: 'ResourceNotFoundException', message: 'no value' });
      }
    }
    return { values, errors };
  }

  private async batchBySingleGets(secretIds: string[]): Promise<BatchSecretsResult> {
    const values = new Map<string, string | Uint8Array>();
    const errors: BatchSecretsResult['errors'] = [];
    const settled = await Promise.allSettled(secretIds.map((secretId) => this.getSecretValue({ secretId })));
    settled.forEach((outcome, i) => {
      const secretId = secretIds[i];
      if (outcome.status === 'fulfilled') {
        if (outcome.value !== undefined) values.set(secretId, outcome.value);
        else errors.push({ secretId, code: 'ResourceNotFoundException', message: 'no value' });
        return;
      }
      if (isTransportWide(outcome.reason)) throw outcome.reason;
      errors.push({ secretId, code: errorCodeOf(outcome.reason), message: (outcome.reason as Error).message });
    });
    return { values, errors };
  }
}

export class ExtensionSsmTransport implements SsmTransport {
  readonly mode = 'extension mode';
  constructor(private readonly http: ExtensionHttpClient) {}

  async getParameter(request: ParameterRequest): Promise<string | undefined> {
    const query = new URLSearchParams({ name: request.name, withDecryption: String(request.decrypt) });
    const body = await this.http.getJson(`/systemsmanager/parameters/get?${query}`);
    const parameter = body.Parameter as { Value?: unknown } | undefined;
    return typeof parameter?.Value === 'string' ? parameter.Value : undefined;
  }

  /**
   * `GET /systemsmanager/parameters/getparameters` (≤ 10 names): hits from the extension's cache, misses in one
   * GetParameters. Without the route (AWS's extension, an older parasol): one GET per name in parallel.
   */
  async getParameters(names: string[], decrypt: boolean): Promise<{ values: Record<string, string>; invalid: string[] }> {
    let body: Record<string, unknown>;
    try {
      body = await this.http.getJson(`/systemsmanager/parameters/getparameters?${repeated('names', names)}&withDecryption=${decrypt}`);
    } catch (error) {
      if (!routeMissing(error)) throw error;
      return this.parametersBySingleGets(names, decrypt);
    }
    const values: Record<string, string> = {};
    for (const p of (body.Parameters ?? []) as Array<{ Name?: string; Selector?: string | null; Value?: string }>) {
      const name = names.find((n) => n === `${p.Name}${p.Selector ?? ''}`);
      if (name !== undefined && typeof p.Value === 'string') values[name] = p.Value;
    }
    const invalid = names.filter((n) => !(n in values));
    return { values, invalid };
  }

  private async parametersBySingleGets(names: string[], decrypt: boolean): Promise<{ values: Record<string, string>; invalid: string[] }> {
    const values: Record<string, string> = {};
    const invalid: string[] = [];
    const settled = await Promise.allSettled(names.map((name) => this.getParameter({ name, decrypt })));
    settled.forEach((outcome, i) => {
      const name = names[i];
      if (outcome.status === 'fulfilled') {
        if (outcome.value !== undefined) values[name] = outcome.value;
        else invalid.push(name);
      } else if (isNotFoundCode(errorCodeOf(outcome.reason))) {
        invalid.push(name);
      } else {
        throw outcome.reason;
      }
    });
    return { values, invalid };
  }

  async getParametersByPath(): Promise<Record<string, string>> {
    throw new UnsupportedOperationError(
      'getParameters (GetParametersByPath) is not offered by the Parameters and Secrets extension; use getParametersByName with the full names, or import getParameters from @parasol/client (SDK mode)',
    );
  }

  async putParameter(_request: PutRequest): Promise<number> {
    throw new UnsupportedOperationError(
      'setParameter (PutParameter) is not offered by the Parameters and Secrets extension, which only reads; import setParameter from @parasol/client (SDK mode)',
    );
  }
}
