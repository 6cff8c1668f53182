/**
 * Typed errors. Every error a caller can see carries an error code and an HTTP
 * status and is answered as `{"__type": "<Code>", "message": "…"}`.
 */

export class ExtensionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = code;
  }

  /** The JSON body sent to the caller. */
  body(): string {
    return JSON.stringify({ __type: this.code, message: this.message });
  }
}

/** A request the extension itself rejects (bad query, wrong token, unknown path…). */
export class RequestError extends ExtensionError {}

/**
 * How an upstream call failed. `client` = the service said no (4xx);
 * the others are transient and allow a stale cache entry to be served.
 */
export type UpstreamFailure = 'client' | 'throttled' | 'server' | 'timeout' | 'network' | 'credentials';

const STATUS_BY_FAILURE: Record<UpstreamFailure, number> = {
  client: 400,
  throttled: 429,
  server: 502,
  network: 502,
  timeout: 504,
  credentials: 500,
};

export class UpstreamError extends ExtensionError {
  /** The service's own error response (status and body, which holds a code and a message), when it sent one. */
  wire?: { status: number; body: Buffer };

  constructor(
    readonly failure: UpstreamFailure,
    code: string,
    message: string,
  ) {
    super(code, message, STATUS_BY_FAILURE[failure]);
  }

  /** Timeouts, connection errors, 5xx and throttling: worth a retry, and a stale answer beats none. */
  get transient(): boolean {
    return this.failure === 'throttled' || this.failure === 'server' || this.failure === 'timeout' || this.failure === 'network';
  }
}

/** A configuration value that cannot be used; the message names the variable and its valid range. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function isTransient(e: unknown): boolean {
  return e instanceof UpstreamError && e.transient;
}
