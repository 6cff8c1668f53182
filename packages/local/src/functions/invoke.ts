import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../logger.js';
import type { FunctionRegistry, FunctionTarget } from './registry.js';

/**
 * Invokes rotation functions the way Secrets Manager invokes Lambda:
 * synchronously, one event at a time per function, with a timeout.
 *
 * A module target runs in a warm child process per (function, region), whose
 * environment is Lambda-like: AWS_ENDPOINT_URL and SECRETS_MANAGER_ENDPOINT
 * point at this local service, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are the
 * service's credentials, AWS_REGION is the secret's region, plus the entry's
 * own `env`. Nothing else of the service's environment leaks in (PATH aside).
 * An HTTP target receives the event as a JSON POST; a 2xx answer is success.
 */

export interface InvocationResult {
  ok: boolean;
  result?: unknown;
  errorType?: string;
  errorMessage?: string;
}

export interface InvokeRequest {
  /** As configured on the secret (ARN or name). */
  functionArn: string;
  region: string;
  accountId: string;
  event: Record<string, unknown>;
}

export interface FunctionInvokerOptions {
  registry: FunctionRegistry;
  /** The local service's URL, known only once it listens. */
  endpoint: () => string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  log: Logger;
}

/** Thrown when no function is configured under the given ARN or name (Secrets Manager then answers AccessDenied). */
export class FunctionNotFoundError extends Error {
  constructor(readonly functionArn: string) {
    super(`No local function is configured for ${functionArn}`);
    this.name = 'FunctionNotFoundError';
  }
}

const here = fileURLToPath(import.meta.url);
/**
 * From source (tsx) the runner is `runner.ts`, from the build `runner.js`, both
 * next to this file; inside a bundle (the CLI's dist/serve/index.mjs) it is this
 * package's built runner, found through its `exports`.
 */
const RUNNER = /invoke\.(ts|js)$/.test(here)
  ? here.replace(/invoke\.(ts|js)$/, (_m, ext) => `runner.${ext}`)
  : fileURLToPath(import.meta.resolve('@parasol/local/functions/runner'));
const TS_MODULE = /\.(ts|mts|cts|tsx)$/;

/**
 * `.ts` function modules run through tsx. It is an optional peer dependency of
 * this package, not a dependency: only `.ts` modules need it (JavaScript modules
 * and HTTP targets do not), and a project written in TypeScript usually has it.
 */
function tsxAvailable(): boolean {
  if (process.execArgv.some((a) => a.includes('tsx'))) return true;
  try {
    import.meta.resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

export class FunctionInvoker {
  private readonly workers = new Map<string, Worker>();
  private closed = false;

  constructor(private readonly opts: FunctionInvokerOptions) {}

  canInvoke(functionArn: string): boolean {
    return this.opts.registry.resolve(functionArn) !== undefined;
  }

  async invoke(req: InvokeRequest): Promise<InvocationResult> {
    const target = this.opts.registry.resolve(req.functionArn);
    if (!target) throw new FunctionNotFoundError(req.functionArn);
    if (this.closed) return { ok: false, errorType: 'ServiceStopping', errorMessage: 'the local service is stopping' };
    if (target.kind === 'http') return invokeHttp(target, req);
    const key = `${target.key}\u0000${req.region}`;
    let worker = this.workers.get(key);
    if (!worker || worker.dead) {
      if (TS_MODULE.test(target.path) && !tsxAvailable()) {
        return {
          ok: false,
          errorType: 'Runtime.ImportModuleError',
          errorMessage: `${target.path} is TypeScript, which needs tsx to run: npm install --save-dev tsx (or point the functions file at compiled JavaScript)`,
        };
      }
      worker = new Worker(target, this.environment(target, req.region), this.opts.log);
      this.workers.set(key, worker);
    }
    return worker.invoke(req);
  }

  private environment(target: FunctionTarget, region: string): NodeJS.ProcessEnv {
    const endpoint = this.opts.endpoint();
    const name = target.key.startsWith('arn:') ? (target.key.split(':')[6] ?? target.key) : target.key;
    return {
      PATH: process.env.PATH,
      TZ: 'UTC',
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: this.opts.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.opts.credentials.secretAccessKey,
      AWS_ENDPOINT_URL: endpoint,
      SECRETS_MANAGER_ENDPOINT: endpoint,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_EXECUTION_ENV: 'parasol-local',
      ...target.env,
    };
  }

  /**
   * After the mapping changed: stops the warm processes whose entry is gone or now differs (module,
   * env, timeout); the next invocation starts a fresh one. Unchanged entries keep theirs.
   */
  async retireWorkers(): Promise<void> {
    const retired: Worker[] = [];
    for (const [key, worker] of this.workers) {
      const now = this.opts.registry.resolve(worker.target.key);
      if (now && JSON.stringify(now) === JSON.stringify(worker.target)) continue;
      this.workers.delete(key);
      retired.push(worker);
    }
    await Promise.all(retired.map((w) => w.stop()));
  }

  /** The functions file behind the mapping, if it came from one (for messages). */
  get functionsFile(): string | undefined {
    return this.opts.registry.file;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
  }
}

async function invokeHttp(target: Extract<FunctionTarget, { kind: 'http' }>, req: InvokeRequest): Promise<InvocationResult> {
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-parasol-function': req.functionArn },
      body: JSON.stringify(req.event),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const text = await res.text();
    if (res.ok) return { ok: true, result: text ? safeJson(text) : null };
    return { ok: false, errorType: `HTTP${res.status}`, errorMessage: text.slice(0, 1000) || res.statusText };
  } catch (e) {
    const err = e as Error;
    if (err.name === 'TimeoutError')
      return { ok: false, errorType: 'TimeoutError', errorMessage: `Task timed out after ${target.timeoutMs / 1000} seconds` };
    return { ok: false, errorType: err.name || 'Error', errorMessage: err.message };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** One warm execution environment: a child process running `runner` with the function module. */
class Worker {
  dead = false;
  private readonly child: ChildProcess;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly pending = new Map<number, (r: InvocationResult) => void>();

  constructor(
    readonly target: Extract<FunctionTarget, { kind: 'module' }>,
    env: NodeJS.ProcessEnv,
    private readonly log: Logger,
  ) {
    const execArgv = [...process.execArgv];
    const needsTs = RUNNER.endsWith('.ts') || TS_MODULE.test(target.path);
    if (needsTs && !execArgv.some((a) => a.includes('tsx'))) execArgv.push('--import', import.meta.resolve('tsx'));
    this.child = fork(RUNNER, [target.path], { env, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json' });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim()) this.log.debug('function output', { function: target.key, line: line.slice(0, 2000) });
      }
    };
    this.child.stdout?.on('data', forward);
    this.child.stderr?.on('data', forward);
    this.child.on('message', (msg: InvocationResult & { id: number }) => {
      const done = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      done?.({ ok: msg.ok, result: msg.result, errorType: msg.errorType, errorMessage: msg.errorMessage });
    });
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      for (const done of this.pending.values()) {
        done({ ok: false, errorType: 'Runtime.ExitError', errorMessage: `function process exited (${signal ?? `code ${code}`})` });
      }
      this.pending.clear();
    });
    this.child.on('error', () => {
      this.dead = true;
    });
  }

  invoke(req: InvokeRequest): Promise<InvocationResult> {
    // One event at a time per environment, like one Lambda execution environment.
    const run = this.queue.then(() => this.invokeNow(req));
    this.queue = run.catch(() => {});
    return run;
  }

  private invokeNow(req: InvokeRequest): Promise<InvocationResult> {
    if (!existsSync(this.target.path)) {
      return Promise.resolve({ ok: false, errorType: 'Runtime.ImportModuleError', errorMessage: `cannot find module ${this.target.path}` });
    }
    if (this.dead) {
      return Promise.resolve({ ok: false, errorType: 'Runtime.ExitError', errorMessage: 'function process is not running' });
    }
    const id = this.nextId++;
    const deadlineMs = Date.now() + this.target.timeoutMs;
    return new Promise<InvocationResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // A timed-out environment is discarded, as Lambda does.
        this.child.kill('SIGKILL');
        resolve({ ok: false, errorType: 'TimeoutError', errorMessage: `Task timed out after ${this.target.timeoutMs / 1000} seconds` });
      }, this.target.timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      const name = req.functionArn.startsWith('arn:') ? (req.functionArn.split(':')[6] ?? req.functionArn) : req.functionArn;
      const invokedFunctionArn = req.functionArn.startsWith('arn:')
        ? req.functionArn
        : `arn:aws:lambda:${req.region}:${req.accountId}:function:${req.functionArn}`;
      this.child.send({
        id,
        event: req.event,
        context: { functionName: name, invokedFunctionArn, awsRequestId: randomUUID(), deadlineMs },
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}
