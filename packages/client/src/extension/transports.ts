/** Extension mode transports: every read is a GET to the extension; what it does not offer is refused clearly. */
import type { BatchSecretsResult, ParameterRequest, PutRequest, SecretRequest, SecretsTransport, SsmTransport } from '../core/transport.js';
import { ExtensionError, errorCodeOf, isNotFoundCode, UnsupportedOperationError } from '../errors.js';
import type { ExtensionHttpClient } from './http.js';

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
    const body = await this.http.getJson(`/secretsmanager/get?${query}`);
    if (typeof body.SecretString === 'string') return body.SecretString;
    // The extension sends SecretBinary base64-encoded; SDK mode returns bytes, so do we.
    if (typeof body.SecretBinary === 'string') return new Uint8Array(Buffer.from(body.SecretBinary, 'base64'));
    return undefined;
  }

  /** The extension has no BatchGetSecretValue: one cached GET per id, all in parallel over keep-alive. */
  async batchGetSecretValue(secretIds: string[]): Promise<BatchSecretsResult> {
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

  /** The extension has no GetParameters: one GET per name in parallel; missing names are reported invalid. */
  async getParameters(names: string[], decrypt: boolean): Promise<{ values: Record<string, string>; invalid: string[] }> {
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
