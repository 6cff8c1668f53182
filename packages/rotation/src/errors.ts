/**
 * Why a rotation step refused to go on. Thrown errors fail the Lambda
 * invocation, which is how Secrets Manager learns that the step failed.
 */
export type RotationErrorCode =
  | 'InvalidEvent'
  | 'UnknownStep'
  | 'RotationNotEnabled'
  | 'VersionNotInSecret'
  | 'VersionNotPending'
  | 'InvalidSecret'
  | 'LoginFailed'
  | 'SecretMismatch';

export class RotationError extends Error {
  constructor(
    readonly code: RotationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = `RotationError.${code}`;
  }
}
