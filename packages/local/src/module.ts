import type { Clock } from './clock.js';
import type { Vault } from './crypto.js';
import type { Db } from './db.js';
import type { Logger } from './logger.js';
import { type Infer, parseInput, type StructureShape } from './shape.js';

/**
 * What every operation and background task works with — the one context of the
 * service. The server builds one per request; the service one per background run.
 */
export interface ServiceContext {
  db: Db;
  vault: Vault;
  clock: Clock;
  log: Logger;
  accountId: string;
  /** Region of the request's SigV4 credential scope (each region is its own namespace); background tasks get the service's region. */
  region: string;
  /** Epoch ms, read once so that one operation sees one instant. */
  now: number;
  /** ARN of the calling principal, e.g. for SSM `LastModifiedUser`; background tasks act as the account. */
  callerArn: string;
}

/** A synchronous operation: the server runs it inside one SQLite transaction. */
export type OperationHandler = (input: Record<string, unknown>, ctx: ServiceContext) => unknown;
/** An operation that must await something (e.g. invoking a rotation function); it manages its own transactions. */
export type AsyncOperationHandler = (input: Record<string, unknown>, ctx: ServiceContext) => Promise<unknown>;

/**
 * Declares an operation once: its input shape, and a handler typed by what that
 * shape parses to (no input type written beside it, no cast at the call site).
 */
export function operation<S extends StructureShape<any, any>>(
  shape: S,
  run: (input: Infer<S>, ctx: ServiceContext) => unknown,
): OperationHandler {
  return (raw, ctx) => run(parseInput(raw, shape), ctx);
}

/** `operation` for a handler that must await (it manages its own transactions). */
export function asyncOperation<S extends StructureShape<any, any>>(
  shape: S,
  run: (input: Infer<S>, ctx: ServiceContext) => Promise<unknown>,
): AsyncOperationHandler {
  return (raw, ctx) => run(parseInput(raw, shape), ctx);
}

/**
 * One AWS service served on the shared port: Secrets Manager or Parameter Store.
 * The server knows nothing of either beyond this interface.
 */
export interface ServiceModule {
  /** `X-Amz-Target` prefix before the dot: `secretsmanager` or `AmazonSSM`. */
  targetPrefix: string;
  /** SigV4 credential-scope service: `secretsmanager` or `ssm`. */
  signingName: string;
  /**
   * Key of the message member of error `code` in this service's model: every
   * Secrets Manager error has `Message`; most SSM errors `message`, a few `Message`.
   */
  messageKeyOf(code: string): 'Message' | 'message';
  /** Code of the service's 500 error: `InternalServiceError` (SM) or `InternalServerError` (SSM). */
  internalErrorCode: string;
  operations: Record<string, OperationHandler>;
  asyncOperations?: Record<string, AsyncOperationHandler>;
  /** Creates this module's tables (idempotent). */
  init(db: Db): void;
  /** Deletes every row this module owns (admin reset). */
  reset(db: Db): void;
  /** Periodic maintenance: purge secrets past their recovery window, expire parameters, start due rotations. */
  sweep?(ctx: ServiceContext): void | Promise<void>;
  /** Called once when the service stops (timers, child processes). */
  close?(): void | Promise<void>;
}
