/**
 * What a provider needs from a transport. Two implementations: `sdk/` (AWS SDK v3 clients) and
 * `extension/` (the Parameters and Secrets extension over loopback HTTP). A transport throws errors that
 * carry the AWS error code in `name` (SDK) or `code` (extension); providers wrap them in typed errors.
 */

export interface SecretRequest {
  secretId: string;
  versionId?: string;
  versionStage?: string;
  /** Only this top-level key of the JSON secret (see `SecretsGetOptions.jsonKey`). */
  jsonKey?: string;
  /** Past every cache, the extension's too. */
  refreshNow?: boolean;
  /** Transport-specific extra input (SDK: GetSecretValue input fields). */
  sdkOptions?: Record<string, unknown>;
}

export interface BatchSecretsResult {
  /** Value per requested id (exactly as requested). */
  values: Map<string, string | Uint8Array>;
  /** Requested ids that failed, with the AWS error code. */
  errors: Array<{ secretId: string; code: string; message: string }>;
}

export interface SecretsTransport {
  /** GetSecretValue: `SecretString`, else `SecretBinary` bytes. */
  getSecretValue(request: SecretRequest): Promise<string | Uint8Array | undefined>;
  /** BatchGetSecretValue by id list (any number of ids; the transport pages). */
  batchGetSecretValue(secretIds: string[]): Promise<BatchSecretsResult>;
}

export interface ParameterRequest {
  name: string;
  decrypt: boolean;
  sdkOptions?: Record<string, unknown>;
}

export interface PathRequest {
  path: string;
  decrypt: boolean;
  recursive?: boolean;
  sdkOptions?: Record<string, unknown>;
}

export interface PutRequest {
  name: string;
  value: string;
  overwrite: boolean;
  type: string;
  tier: string;
  description?: string;
  kmsKeyId?: string;
  sdkOptions?: Record<string, unknown>;
}

export interface SsmTransport {
  /** Name of the transport's mode, for messages ("SDK mode", "extension mode"). */
  readonly mode: string;
  getParameter(request: ParameterRequest): Promise<string | undefined>;
  /** GetParameters for up to 10 names: values by name, and the names the service reported invalid. */
  getParameters(names: string[], decrypt: boolean): Promise<{ values: Record<string, string>; invalid: string[] }>;
  /** GetParametersByPath, every page: value per full parameter name. */
  getParametersByPath(request: PathRequest): Promise<Record<string, string>>;
  /** PutParameter: the new version number. */
  putParameter(request: PutRequest): Promise<number>;
}
