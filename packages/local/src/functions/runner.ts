/**
 * Child-process entry that hosts one rotation function module, like a warm
 * Lambda execution environment: it imports the module once, then runs one
 * invocation per IPC message `{ id, event, context }` and answers
 * `{ id, ok, result }` or `{ id, ok: false, errorType, errorMessage }`.
 * Both handler styles work: `async (event, context)` and `(event, context, callback)`.
 */
import { pathToFileURL } from 'node:url';

interface InvokeMessage {
  id: number;
  event: unknown;
  context: { functionName: string; invokedFunctionArn: string; awsRequestId: string; deadlineMs: number };
}

type Handler = (event: unknown, context: unknown, callback?: (err: unknown, result?: unknown) => void) => unknown;

const modulePath = process.argv[2];
let loaded: Promise<Handler> | undefined;
let current: number | undefined;

function loadHandler(): Promise<Handler> {
  loaded ??= import(pathToFileURL(modulePath).href).then((mod) => {
    const handler = mod.handler ?? mod.default?.handler;
    if (typeof handler !== 'function') throw new TypeError(`${modulePath} does not export a function named 'handler'`);
    return handler as Handler;
  });
  return loaded;
}

function reply(message: Record<string, unknown>): void {
  process.send?.(message);
}

function errorFields(e: unknown): { errorType: string; errorMessage: string } {
  if (e instanceof Error) return { errorType: e.name || 'Error', errorMessage: e.message };
  return { errorType: 'Error', errorMessage: typeof e === 'string' ? e : JSON.stringify(e) };
}

async function invoke(msg: InvokeMessage): Promise<unknown> {
  const handler = await loadHandler();
  const context = {
    functionName: msg.context.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: msg.context.invokedFunctionArn,
    memoryLimitInMB: '128',
    awsRequestId: msg.context.awsRequestId,
    logGroupName: `/aws/lambda/${msg.context.functionName}`,
    logStreamName: 'parasol-local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, msg.context.deadlineMs - Date.now()),
  };
  if (handler.length >= 3) {
    return new Promise((resolve, reject) => {
      const maybe = handler(msg.event, context, (err, result) => (err ? reject(err) : resolve(result)));
      if (maybe && typeof (maybe as Promise<unknown>).then === 'function') (maybe as Promise<unknown>).then(resolve, reject);
    });
  }
  return handler(msg.event, context);
}

process.on('message', (msg: InvokeMessage) => {
  current = msg.id;
  invoke(msg).then(
    (result) => {
      current = undefined;
      reply({ id: msg.id, ok: true, result: result === undefined ? null : result });
    },
    (e: unknown) => {
      current = undefined;
      reply({ id: msg.id, ok: false, ...errorFields(e) });
    },
  );
});

// A crash outside the handler's promise ends this environment, as it would a Lambda runtime.
process.on('uncaughtException', (e) => {
  if (current !== undefined) reply({ id: current, ok: false, ...errorFields(e) });
  process.exitCode = 1;
  setImmediate(() => process.exit(1));
});
process.on('unhandledRejection', (e) => {
  if (current !== undefined) reply({ id: current, ok: false, ...errorFields(e) });
});
process.on('disconnect', () => process.exit(0));
