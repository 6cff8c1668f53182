import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SigV4Error, type SigV4Verifier } from '@parasol/sigv4';
import type { Clock } from './clock.js';
import type { Vault } from './crypto.js';
import type { Db } from './db.js';
import { AwsError } from './errors.js';
import { adminOriginRefusal, type HostCheck } from './guards.js';
import type { Logger } from './logger.js';
import type { ServiceContext, ServiceModule } from './module.js';

/** AWS rejects request bodies over 1 MiB; so do we, before parsing or writing anything. */
export const MAX_BODY_BYTES = 1024 * 1024;
const JSON_11 = 'application/x-amz-json-1.1';

export interface AdminHooks {
  health(): Record<string, unknown>;
  /** Wipes all state; undefined when the service was started without --allow-reset. */
  reset?: () => void;
  /** Moves the service clock forward; undefined unless clock control is enabled. */
  advanceClock?: (ms: number) => void;
}

export interface DispatcherOptions {
  modules: ServiceModule[];
  verifier: SigV4Verifier;
  db: Db;
  vault: Vault;
  clock: Clock;
  accountId: string;
  log: Logger;
  admin: AdminHooks;
  /** DNS-rebinding guard on every route; undefined when not enforced. */
  checkHost?: HostCheck;
  /** Told the access key of each UnrecognizedClientException. */
  onUnknownAccessKey?: (accessKeyId: string) => void;
}

/**
 * The request path, in a fixed order: Host → admin routes (no Origin) →
 * method/path → body size → SigV4 (body, target and every x-amz-* header bound)
 * → X-Amz-Target (own operation names only) → JSON → operation (inside one
 * transaction) → response.
 */
export function createRequestListener(opts: DispatcherOptions) {
  const byPrefix = new Map(opts.modules.map((m) => [m.targetPrefix, m]));
  // Built once: better-sqlite3 wraps a function per transaction() call, which is measurable per request.
  const inTransaction = opts.db.transaction((run: () => unknown) => run());

  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const refused = opts.checkHost?.(req.headers.host);
    if (refused) {
      sendError(res, requestId, refused);
      return;
    }
    if (url.startsWith('/_parasol/')) {
      const crossOrigin = adminOriginRefusal(req.headers.origin);
      if (crossOrigin) {
        sendError(res, requestId, crossOrigin);
        return;
      }
      readBody(req, (err, body) => handleAdmin(req, res, url, err ? Buffer.alloc(0) : body, opts.admin, requestId));
      return;
    }
    readBody(req, (err, body) => {
      if (err) {
        sendError(res, requestId, err);
        return;
      }
      const started = performance.now();
      dispatch(req, url, body, requestId)
        .then(({ status, payload, op }) => {
          send(res, requestId, status, payload);
          opts.log.debug('request', { op, status, ms: +(performance.now() - started).toFixed(2), requestId });
        })
        .catch((e: unknown) => {
          const error = asAwsError(e, opts.log, requestId);
          sendError(res, requestId, error);
        });
    });
  };

  async function dispatch(req: IncomingMessage, url: string, body: Buffer, requestId: string) {
    if (req.method !== 'POST') {
      throw new AwsError('UnknownOperationException', `Only POST is supported; got ${req.method}.`, 404);
    }
    const now = opts.clock.now();
    const caller = verifyCaller(req.method, url, req.headers, body);
    const target = req.headers['x-amz-target'];
    const dot = typeof target === 'string' ? target.indexOf('.') : -1;
    const module = dot > 0 ? byPrefix.get((target as string).slice(0, dot)) : undefined;
    if (!module) {
      throw new AwsError('UnknownOperationException', `Unknown or missing X-Amz-Target: ${target ?? '(none)'}`, 400);
    }
    if (caller.service !== module.signingName) {
      throw new AwsError(
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${module.signingName}'. `,
        400,
        'message',
      );
    }
    const op = (target as string).slice(dot + 1);
    // Own names only: `constructor`, `toString` or `__proto__` are not operations.
    const handler = Object.hasOwn(module.operations, op) ? module.operations[op] : undefined;
    const asyncHandler = module.asyncOperations && Object.hasOwn(module.asyncOperations, op) ? module.asyncOperations[op] : undefined;
    if (!handler && !asyncHandler) {
      throw withKey(
        new AwsError(
          'UnknownOperationException',
          `The operation ${op} is not supported by parasol's local ${module.signingName} service.`,
          400,
        ),
        module,
      );
    }
    const input = parseJson(body);
    const ctx: ServiceContext = {
      db: opts.db,
      vault: opts.vault,
      clock: opts.clock,
      log: opts.log,
      accountId: opts.accountId,
      region: caller.region,
      now,
      callerArn: `arn:aws:iam::${opts.accountId}:user/${caller.accessKeyId}`,
    };
    try {
      const payload = handler ? inTransaction(() => handler(input, ctx)) : await asyncHandler!(input, ctx);
      return { status: 200, payload, op };
    } catch (e) {
      if (e instanceof AwsError) throw withKey(e, module);
      opts.log.error('operation failed', { op, requestId, error: e instanceof Error ? e.name : 'unknown' });
      throw withKey(new AwsError(module.internalErrorCode, 'An internal error occurred. Retry the request.', 500), module);
    }
  }

  function verifyCaller(method: string, url: string, headers: IncomingMessage['headers'], body: Buffer) {
    try {
      return opts.verifier.verify({ method, url, headers, body }, Date.now());
    } catch (e) {
      if (!(e instanceof SigV4Error)) throw e;
      if (e.accessKeyId !== undefined) opts.onUnknownAccessKey?.(e.accessKeyId);
      // AWS's front end answers auth failures with a lowercase `message` on JSON-protocol services.
      throw new AwsError(e.code, e.message, e.status, 'message');
    }
  }
}

/** Errors raised by shared code default to `Message`; the module says which key its model uses for each code. */
function withKey(e: AwsError, module: ServiceModule): AwsError {
  const key = module.messageKeyOf(e.code);
  return key === e.messageKey ? e : new AwsError(e.code, e.message, e.status, key, e.extra);
}

function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    // Not JSON.parse's message: on Node 20 it quotes the body, which may hold a secret value.
    throw new AwsError('SerializationException', 'The request body is not valid JSON.', 400);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'The request body must be a JSON object.', 400);
  }
  return parsed as Record<string, unknown>;
}

function readBody(req: IncomingMessage, done: (err: AwsError | null, body: Buffer) => void): void {
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    done(tooLarge(), Buffer.alloc(0));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      failed = true;
      done(tooLarge(), Buffer.alloc(0));
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (!failed) done(null, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  });
  req.on('error', () => {
    failed = true;
  });
}

const tooLarge = () =>
  new AwsError('RequestEntityTooLargeException', `Request body exceeds the maximum size of ${MAX_BODY_BYTES} bytes (1 MiB).`, 413);

function handleAdmin(req: IncomingMessage, res: ServerResponse, url: string, body: Buffer, admin: AdminHooks, requestId: string) {
  const path = url.split('?')[0];
  if (path === '/_parasol/health' && req.method === 'GET') {
    send(res, requestId, 200, admin.health(), 'application/json');
    return;
  }
  if (path === '/_parasol/reset' && req.method === 'POST') {
    if (!admin.reset) {
      sendError(res, requestId, new AwsError('AccessDeniedException', 'Reset is disabled: start parasol serve with --allow-reset.', 403));
      return;
    }
    admin.reset();
    send(res, requestId, 200, { reset: true }, 'application/json');
    return;
  }
  if (path === '/_parasol/clock' && req.method === 'POST') {
    if (!admin.advanceClock) {
      sendError(
        res,
        requestId,
        new AwsError('AccessDeniedException', 'Clock control is disabled: start parasol serve with --allow-clock-control.', 403),
      );
      return;
    }
    let seconds: unknown;
    try {
      seconds = (JSON.parse(body.toString('utf8') || '{}') as { advanceSeconds?: unknown }).advanceSeconds;
    } catch {
      seconds = undefined;
    }
    if (typeof seconds !== 'number' || !(seconds > 0)) {
      sendError(res, requestId, new AwsError('ValidationException', 'Body must be {"advanceSeconds": <positive number>}.', 400));
      return;
    }
    admin.advanceClock(seconds * 1000);
    send(res, requestId, 200, admin.health(), 'application/json');
    return;
  }
  sendError(res, requestId, new AwsError('NotFound', `No admin route ${req.method} ${path}.`, 404));
}

function asAwsError(e: unknown, log: Logger, requestId: string): AwsError {
  if (e instanceof AwsError) return e;
  log.error('request failed', { requestId, error: e instanceof Error ? e.name : 'unknown' });
  return new AwsError('InternalServiceError', 'An internal error occurred. Retry the request.', 500);
}

function send(res: ServerResponse, requestId: string, status: number, payload: unknown, contentType = JSON_11): void {
  const body = JSON.stringify(payload ?? {});
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
  });
  res.end(body);
}

function sendError(res: ServerResponse, requestId: string, error: AwsError): void {
  if (error.status === 413) res.setHeader('Connection', 'close');
  send(res, requestId, error.status, error.toBody());
}
