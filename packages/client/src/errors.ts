/**
 * Error classes, named as in Powertools' parameters utility so that `instanceof` checks keep working after
 * switching the import path. Each carries `code`: the AWS error code of the failure (e.g.
 * `ResourceNotFoundException`, `ParameterNotFound`), the extension's `__type`, or a parasol code.
 */

/** Reads the AWS error code off an SDK error (`name`) or a parasol error (`code`). */
export function errorCodeOf(error: unknown): string {
  if (error && typeof error === 'object') {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name && name !== 'Error') return name;
  }
  return 'UnknownError';
}

/** A value could not be retrieved. The original failure is in `cause`, its AWS error code in `code`. */
export class GetParameterError extends Error {
  readonly code: string;
  constructor(message?: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.name = 'GetParameterError';
    this.code = options?.code ?? (options?.cause !== undefined ? errorCodeOf(options.cause) : 'GetParameterError');
  }
}

/** The value does not exist (thrown only with `throwOnMissing: true`). */
export class ParameterNotFoundError extends GetParameterError {
  constructor(message?: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.name = 'ParameterNotFoundError';
  }
}

/** A transform (`json`, `binary`, `auto`) failed on the retrieved value. */
export class TransformParameterError extends Error {
  readonly code = 'TransformParameterError';
  readonly transform: string;
  constructor(transform: string, message: string) {
    super(`Unable to transform value using '${transform}' transform: ${message}`);
    this.name = 'TransformParameterError';
    this.transform = transform;
  }
}

/** A parameter could not be written. The original failure is in `cause`. */
export class SetParameterError extends Error {
  readonly code: string;
  constructor(message?: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.name = 'SetParameterError';
    this.code = options?.code ?? (options?.cause !== undefined ? errorCodeOf(options.cause) : 'SetParameterError');
  }
}

/**
 * An error answered by the Parameters and Secrets extension: its JSON error body `{"__type","message"}`
 * (parasol's extension, the Secrets Manager Agent) or the AWS extension's plain-text 400. Reaches callers
 * as the `cause` of a {@link GetParameterError}.
 */
export class ExtensionError extends Error {
  /** The extension's `__type` (an AWS error code such as `ResourceNotFoundException`), or `ExtensionError`. */
  readonly code: string;
  /** HTTP status the extension answered with (0 when the request never got an answer). */
  readonly status: number;
  constructor(code: string, message: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExtensionError';
    this.code = code;
    this.status = status;
  }
}

/** The operation is not offered by the chosen transport (e.g. GetParametersByPath through the extension). */
export class UnsupportedOperationError extends Error {
  readonly code = 'UnsupportedOperation';
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedOperationError';
  }
}

/** Error codes meaning "this secret or parameter does not exist". */
export function isNotFoundCode(code: string): boolean {
  return code === 'ResourceNotFoundException' || code === 'ParameterNotFound';
}
