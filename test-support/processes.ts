/**
 * Test support: start real parasol processes on free loopback ports and stop
 * them. Tests talk to them over real sockets with real clients.
 *
 * Processes run straight from TypeScript sources (tsx, `source` export
 * condition), so tests need no build step and always test the working tree.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_SOURCE = join(REPO_ROOT, 'packages/cli/src/main.ts');
/** Node flags that run a TypeScript entry point from source. */
export const TS_NODE_ARGS = ['--conditions=source', '--import', 'tsx'];

export interface RunningProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
  kill9(): Promise<void>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Resolve once a line of output matches this. */
  readyPattern: RegExp;
  timeoutMs?: number;
}

/**
 * The node for `parasol serve` / `parasol dev`, which load better-sqlite3: its
 * native addon is built for the node that installed it, so when scripts/test.mjs
 * runs suites under another Node (22) it names the machine's node here.
 */
export const SQLITE_NODE = process.env.PARASOL_TEST_SQLITE_NODE || process.execPath;

/** The node to run `parasol <args>` with: SQLITE_NODE for the commands that open the store. */
export function nodeForCli(args: readonly string[]): string {
  return args[0] === 'serve' || args[0] === 'dev' ? SQLITE_NODE : process.execPath;
}

/** Spawns `node <TS_NODE_ARGS> <entry> ...args` and waits for `readyPattern`. */
export async function spawnTs(entry: string, args: string[], opts: SpawnOptions): Promise<RunningProcess & { match: RegExpMatchArray }> {
  const node = entry === CLI_SOURCE ? nodeForCli(args) : process.execPath;
  const child = spawn(node, [...TS_NODE_ARGS, entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  const running: RunningProcess = {
    child,
    output: () => buffer,
    async stop(graceMs = 3000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not become ready in time; output so far:\n${buffer}`));
    }, opts.timeoutMs ?? 20_000);
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      const m = buffer.match(opts.readyPattern);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before it was ready; output:\n${buffer}`));
    });
  });
  return { ...running, match };
}

export interface ServeProcess extends RunningProcess {
  url: string;
}

/** Starts `parasol serve` on a free port; `--in-memory` unless `args` name `--data`. */
export async function startServe(args: string[] = [], env?: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const storage = args.includes('--data') ? [] : ['--in-memory'];
  const proc = await spawnTs(CLI_SOURCE, ['serve', '--port', '0', ...storage, ...args], {
    env,
    readyPattern: /listening on (http:\/\/[^\s"]+)/,
  });
  return { ...proc, url: proc.match[1] };
}

/** Credentials the local service accepts by default, as SDK v3 client config. */
export const TEST_CLIENT_CONFIG = (endpoint: string, region = 'us-east-1') => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
