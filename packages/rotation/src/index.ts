export { defaultSecretsManagerClient } from './client.js';
export { RotationError, type RotationErrorCode } from './errors.js';
export {
  createRotationHandler,
  finishSecret,
  type RotationEvent,
  type RotationHandlerOptions,
  type RotationStepName,
  type RotationSteps,
  type StepContext,
} from './handler.js';
export { DEFAULT_EXCLUDE_CHARACTERS, type PasswordOptions, passwordOptionsFromEnv, randomPassword } from './password.js';
export { postgresAlternatingUsersRotation, postgresAlternatingUsersSteps } from './postgres/alternating-users.js';
export { type ConnectOptions, login } from './postgres/connect.js';
export { alternateUsername, type PostgresSecret, parsePostgresSecret } from './postgres/secret.js';
export { type PostgresRotatorOptions, postgresSingleUserRotation, postgresSingleUserSteps } from './postgres/single-user.js';
export { scramVerifier } from './postgres/sql.js';
