/**
 * Error classes, named as in Powertools' parameters utility so that `instanceof` checks keep working after
 * switching the import path. Each carries `code`: the AWS error code of the failure (e.g.
 * `ResourceNotFoundException`, `ParameterNotFound`), the extension's `__type`, or a parasol code.
 */

/**
 * `instanceof` across copies of this module. Each entry point ships as one bundled file, so an app that
 * imports both entries holds two copies of each class; errors carry a registry-wide brand listing their
 * kinds, and each class's `instanceof` checks the brand, so `e instanceof GetParameterError` holds whichever
 * entry threw `e` and whichever entry the class came from.
 */
const KINDS = Symbol.for('@parasol/client:error-kinds');

function brand(error: Error, kind: string): void {
  const target = error as Error & { [KINDS]?: Set<string> };
  if (!target[KINDS]) Object.defineProperty(target, KINDS, { value: new Set<string>(), enumerable: false });
  target[KINDS]!.add(kind);
}

function hasKind(value: unknown, kind: string): boolean {
  return typeof value === 'object' && value !== null && ((value as { [KINDS]?: Set<string> })[KINDS]?.has(kind) ?? false);
}

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
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'GetParameterError');
  }
  readonly code: string;
  constructor(message?: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.name = 'GetParameterError';
    brand(this, 'GetParameterError');
    this.code = options?.code ?? (options?.cause !== undefined ? errorCodeOf(options.cause) : 'GetParameterError');
  }
}

/** The value does not exist (thrown only with `throwOnMissing: true`). */
export class ParameterNotFoundError extends GetParameterError {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'ParameterNotFoundError');
  }
  constructor(message?: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.name = 'ParameterNotFoundError';
    brand(this, 'ParameterNotFoundError');
  }
}

/** A transform (`json`, `binary`, `auto`) failed on the retrieved value. */
export class TransformParameterError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'TransformParameterError');
  }
  readonly code = 'TransformParameterError';
  readonly transform: string;
  constructor(transform: string, message: string) {
    super(`Unable to transform value using '${transform}' transform: ${message}`);
    this.name = 'TransformParameterError';
    brand(this, 'TransformParameterError');
    this.transform = transform;
  }
}

/** A parameter could not be written. The original failure is in `cause`. */
export class SetParameterError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'SetParameterError');
  }
  readonly code: string;
  constructor(message?: string, options?: ErrorOptions & { code?: string }) {
    super(message, options);
    this.name = 'SetParameterError';
    brand(this, 'SetParameterError');
    this.code = options?.code ?? (options?.cause !== undefined ? errorCodeOf(options.cause) : 'SetParameterError');
  }
}

/**
 * An error answered by the Parameters and Secrets extension: its JSON error body `{"__type","message"}`
 * (parasol's extension, the Secrets Manager Agent) or the AWS extension's plain-text 400. Reaches callers
 * as the `cause` of a {@link GetParameterError}.
 */
export class ExtensionError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'ExtensionError');
  }
  /** The extension's `__type` (an AWS error code such as `ResourceNotFoundException`), or `ExtensionError`. */
  readonly code: string;
  /** HTTP status the extension answered with (0 when the request never got an answer). */
  readonly status: number;
  constructor(code: string, message: string, status: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExtensionError';
    brand(this, 'ExtensionError');
    this.code = code;
    this.status = status;
  }
}

/** The operation is not offered by the chosen transport (e.g. GetParametersByPath through the extension). */
export class UnsupportedOperationError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasKind(value, 'UnsupportedOperationError');
  }
  readonly code = 'UnsupportedOperation';
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedOperationError';
    brand(this, 'UnsupportedOperationError');
  }
}

/** Error codes meaning "this secret or parameter does not exist". */
export function isNotFoundCode(code: string): boolean {
  return code === 'ResourceNotFoundException' || code === 'ParameterNotFound';
}
