/**
 * What `--watch` does when a value changes (`--on-change`):
 *   exec:   restart | signal:SIG | run:CMD
 *   render: signal:SIG:PIDFILE | run:CMD
 * CMD runs with `/bin/sh -c`; SIG is a name with or without SIG (HUP, SIGHUP).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { constants } from 'node:os';
import type { ChildEnd } from './child.js';

export type ExecAction = { kind: 'restart' } | { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'run'; command: string };
export type RenderAction = { kind: 'signal'; signal: NodeJS.Signals; pidFile: string } | { kind: 'run'; command: string };

export class ActionError extends Error {}

/** `HUP`, `SIGHUP` or `sighup` → `SIGHUP`; anything that is not a signal of this platform is refused. */
export function parseSignal(text: string): NodeJS.Signals {
  const upper = text.toUpperCase();
  const name = (upper.startsWith('SIG') ? upper : `SIG${upper}`) as NodeJS.Signals;
  if (!(name in constants.signals)) throw new ActionError(`unknown signal '${text.slice(0, 30)}'`);
  return name;
}

export function parseExecAction(text: string): ExecAction {
  if (text === 'restart') return { kind: 'restart' };
  if (text.startsWith('signal:')) return { kind: 'signal', signal: parseSignal(text.slice('signal:'.length)) };
  if (text.startsWith('run:') && text.length > 'run:'.length) return { kind: 'run', command: text.slice('run:'.length) };
  throw new ActionError(`--on-change '${text.slice(0, 100)}' must be restart, signal:SIG or run:CMD`);
}

export function parseRenderAction(text: string): RenderAction {
  if (text.startsWith('signal:')) {
    const rest = text.slice('signal:'.length);
    const colon = rest.indexOf(':');
    if (colon > 0 && colon < rest.length - 1)
      return { kind: 'signal', signal: parseSignal(rest.slice(0, colon)), pidFile: rest.slice(colon + 1) };
  }
  if (text.startsWith('run:') && text.length > 'run:'.length) return { kind: 'run', command: text.slice('run:'.length) };
  throw new ActionError(`--on-change '${text.slice(0, 100)}' must be signal:SIG:PIDFILE or run:CMD`);
}

/** Runs `sh -c command` with `env`, output inherited; resolves with how it ended. */
export function runShellCommand(command: string, env: NodeJS.ProcessEnv): Promise<ChildEnd> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Reads a process id from `pidFile` and sends it `signal`. */
export async function signalPidFile(pidFile: string, signal: NodeJS.Signals): Promise<number> {
  let text: string;
  try {
    text = (await readFile(pidFile, 'utf8')).trim();
  } catch (e) {
    throw new ActionError(`cannot read pid file ${pidFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!/^[1-9]\d{0,9}$/.test(text)) throw new ActionError(`pid file ${pidFile} does not hold a process id`);
  const pid = Number(text);
  try {
    process.kill(pid, signal);
  } catch (e) {
    throw new ActionError(`cannot send ${signal} to process ${pid} from ${pidFile} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return pid;
}
