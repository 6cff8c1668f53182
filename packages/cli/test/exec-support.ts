/**
 * Test support for `parasol exec` / `parasol render`: run the CLI as a real
 * process (from source), collect its output, wait for conditions.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { CLI_SOURCE, REPO_ROOT, TS_NODE_ARGS } from '../../../test-support/processes.js';

export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128+signal) once the process has ended. */
  status: Promise<number>;
}

/** Environment for a parasol process: PATH and HOME, plus `env` (nothing else leaks in from the test runner). */
export function baseEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  const child = spawn(process.execPath, [...TS_NODE_ARGS, CLI_SOURCE, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const status = new Promise<number>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? signalNumber(signal) : 0)));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, status };
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0;
}

/** Polls `check` every 50 ms until it returns a value (not undefined), or throws after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The lines of a file, or [] while it does not exist. */
export async function lines(path: string): Promise<string[]> {
  try {
    return (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** `env -0` output → a map. */
export function parseEnv0(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of text.split('\0')) {
    if (!entry) continue;
    const eq = entry.indexOf('=');
    env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/** Ends a process that a test left running: SIGTERM (parasol passes it on to its child), SIGKILL after 3 s. */
export async function kill(p: CliProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = once(p.child, 'exit');
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** A sh loop for a test child: runs at most 60 s, so nothing outlives a failed test for long. */
export const BOUNDED_LOOP = 'i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done';
