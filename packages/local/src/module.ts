import type { Clock } from './clock.js';
import type { Vault } from './crypto.js';
import type { Db } from './db.js';
import type { Logger } from './logger.js';
import { type Infer, parseInput, type StructureShape } from './shape.js';

/** Everything an operation may use; built once per request by the server. */
export interface RequestContext {
  /** Region from the SigV4 credential scope: each region is its own namespace. */
  region: string;
  accountId: string;
  accessKeyId: string;
  /** ARN of the calling principal, e.g. for SSM `LastModifiedUser`. */
  callerArn: string;
  requestId: string;
  /** Epoch ms, read once per request so one operation sees one instant. */
  now: number;
  db: Db;
  vault: Vault;
  clock: Clock;
  log: Logger;
}

/** A synchronous operation: the server runs it inside one SQLite transaction. */
export type OperationHandler = (input: Record<string, unknown>, ctx: RequestContext) => unknown;
/** An operation that must await something (e.g. invoking a rotation function); it manages its own transactions. */
export type AsyncOperationHandler = (input: Record<string, unknown>, ctx: RequestContext) => Promise<unknown>;

/**
 * Declares an operation once: its input shape, and a handler typed by what that
 * shape parses to (no input type written beside it, no cast at the call site).
 */
export function operation<S extends StructureShape<any, any>>(
  shape: S,
  run: (input: Infer<S>, ctx: RequestContext) => unknown,
): OperationHandler {
  return (raw, ctx) => run(parseInput(raw, shape), ctx);
}

/** `operation` for a handler that must await (it manages its own transactions). */
export function asyncOperation<S extends StructureShape<any, any>>(
  shape: S,
  run: (input: Infer<S>, ctx: RequestContext) => Promise<unknown>,
): AsyncOperationHandler {
  return (raw, ctx) => run(parseInput(raw, shape), ctx);
}

/** The context a background task (sweeper, scheduler) gets: no caller, no region. */
export interface BackgroundContext {
  accountId: string;
  now: number;
  db: Db;
  vault: Vault;
  clock: Clock;
  log: Logger;
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
  sweep?(ctx: BackgroundContext): void | Promise<void>;
  /** Called once when the service stops (timers, child processes). */
  close?(): void | Promise<void>;
}
