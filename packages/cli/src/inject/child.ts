/**
 * The supervised child of `parasol exec`: started with stdin, stdout and
 * stderr inherited, the environment passed in (values never on its command
 * line), and its end reported as a shell would report it.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** How a child ended: an exit code, or the signal that killed it. */
export interface ChildEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The status a shell gives for a child's end (and so `parasol exec`'s own):
 * its exit code, or 128 + the signal number when a signal killed it (SIGTERM
 * → 143, SIGKILL → 137), as sh, bash and docker report it.
 */
export function exitStatus(end: ChildEnd): number {
  if (end.code !== null) return end.code;
  const number = end.signal ? constants.signals[end.signal] : undefined;
  return number ? 128 + number : 1;
}

/** Signals `parasol exec` passes on to its child instead of acting on them. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** A command that could not be started: `status` is 127 (not found) or 126 (not executable), as in a shell. */
export class StartError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface RunningChild {
  readonly pid: number;
  readonly ended: Promise<ChildEnd>;
  /** Sends a signal (no-op once the child has ended). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs: number): Promise<ChildEnd>;
}

export async function startChild(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<RunningChild> {
  const child = spawn(command, args, { env, stdio: 'inherit' });
  let done: ChildEnd | undefined;
  const ended = new Promise<ChildEnd>((resolve) => {
    child.once('exit', (code, signal) => {
      done = { code, signal };
      resolve(done);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new StartError(`cannot run '${command}': command not found`, 127));
      else if (e.code === 'EACCES') reject(new StartError(`cannot run '${command}': permission denied`, 126));
      else reject(new StartError(`cannot run '${command}': ${e.code ?? e.message}`, 126));
    });
  });
  const running: RunningChild = {
    pid: child.pid!,
    ended,
    signal(signal) {
      if (!done) child.kill(signal);
    },
    async stop(graceMs) {
      if (done) return done;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const end = await ended;
      clearTimeout(timer);
      return end;
    },
  };
  return running;
}
