/**
 * A failure the service reports to the caller as an AWS JSON 1.1 error.
 *
 * `messageKey` exists because the two models disagree: every Secrets Manager
 * exception carries `Message`, while most SSM exceptions carry `message`
 * (AWS JSON 1.1 protocol: https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html). The SDKs read either, but the exact key is part of
 * looking like AWS on the wire.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly messageKey: 'Message' | 'message' = 'Message',
    /** Extra modeled members (e.g. SSM ValidationException `ReasonCode`). */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
  }

  toBody(): Record<string, unknown> {
    return { __type: this.code, [this.messageKey]: this.message, ...this.extra };
  }
}

/** Shorthands for the errors every operation can raise. */
export const validation = (message: string) => new AwsError('ValidationException', message);

/**
 * AWS's text for a single failed constraint, e.g.
 * `1 validation error detected: Value '11' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10`.
 */
export function constraintMessage(failures: Array<{ value: string; path: string; constraint: string }>): string {
  // A sensitive member's value is left out: AWS writes `Value at 'value' …` then.
  const parts = failures.map((f) => `Value ${f.value ? `${f.value} ` : ''}at '${f.path}' failed to satisfy constraint: ${f.constraint}`);
  const n = failures.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${parts.join('; ')}`;
}

export const internalError = (code = 'InternalServiceError') => new AwsError(code, 'An internal error occurred. Retry the request.', 500);
