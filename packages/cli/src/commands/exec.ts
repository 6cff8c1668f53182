/**
 * `parasol exec`: runs a command with secrets and parameters in its
 * environment, and with `--watch` keeps them current (restart, signal or run
 * a command when a value changes). The child's exit status is parasol's.
 */
import { parseArgs } from 'node:util';
import { type ExecAction, parseExecAction, runShellCommand } from '../inject/action.js';
import {
  type Binding,
  bindingsFromEnv,
  describeFailures,
  ENV_BINDING_PREFIX,
  parseBinding,
  type Resolution,
  resolveBindings,
} from '../inject/bindings.js';
import { exitStatus, FORWARDED_SIGNALS, type RunningChild, StartError, startChild } from '../inject/child.js';
import { changedNames, Fingerprinter } from '../inject/fingerprint.js';
import { openSource, SOURCE_CHOICES, type SourceChoice } from '../inject/open-source.js';
import { parseInterval, startPoller, ttlIntervalSeconds } from '../inject/poll.js';
import type { ValueSource } from '../inject/source.js';

const HELP = `usage: parasol exec [--env NAME=REF]... [--path PREFIX]... [--allow-missing] [--pristine]
                    [--watch [--on-change restart|signal:SIG|run:CMD] [--interval SECONDS] [--grace SECONDS]]
                    [--source auto|extension|service] -- COMMAND [ARGS...]

Runs COMMAND with secrets and parameters in its environment.
  --env NAME=REF      set NAME to the value of REF (repeatable); also read from PARASOL_ENV_<NAME>=REF
                      REF: sm:<name-or-arn>[:json-key[:version-stage[:version-id]]]
                           ssm:<name-or-arn>[:version|:label]
  --path PREFIX       every parameter under PREFIX (recursive, decrypted), named by the rest of its
                      name upper-cased, other characters as _ (/app/prod/db/url -> DB_URL)
  --allow-missing     start even if a REF does not resolve (it is left unset, with a warning)
  --pristine          the child gets only PATH, HOME and the resolved names
  --watch             poll and act when a value changes (default action: restart)
  --on-change ACTION  restart | signal:SIG (e.g. signal:HUP) | run:CMD (sh -c CMD, same environment)
  --interval SECONDS  poll period (default: SECRETS_MANAGER_TTL / SSM_PARAMETER_STORE_TTL, else 300)
  --grace SECONDS     on restart, time between SIGTERM and SIGKILL (default 10)
  --source WHERE      auto (the extension when it answers, else the services directly), extension, service
Exit status: COMMAND's; 128+N when signal N killed it; 125 when parasol itself fails (a REF did not
resolve, bad options); 126/127 when COMMAND cannot be run / is not found.`;

/** parasol's own failures, as `env` and `docker run` report theirs. */
export const EXIT_PARASOL_FAILED = 125;

interface ExecOptions {
  bindings: Binding[];
  paths: string[];
  allowMissing: boolean;
  pristine: boolean;
  watch: boolean;
  action: ExecAction;
  intervalSeconds: number;
  graceMs: number;
  source: SourceChoice;
  command: string;
  args: string[];
}

class UsageError extends Error {}

function parseExecArgs(argv: string[], env: NodeJS.ProcessEnv): ExecOptions | undefined {
  const split = argv.indexOf('--');
  const own = split === -1 ? argv : argv.slice(0, split);
  const { values, positionals } = parseArgs({
    args: own,
    strict: true,
    allowPositionals: true,
    options: {
      env: { type: 'string', multiple: true, default: [] },
      path: { type: 'string', multiple: true, default: [] },
      'allow-missing': { type: 'boolean', default: false },
      pristine: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      'on-change': { type: 'string' },
      interval: { type: 'string' },
      grace: { type: 'string', default: '10' },
      source: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return undefined;
  }
  if (split === -1 || positionals.length > 0)
    throw new UsageError('give the command after --: parasol exec [options] -- COMMAND [ARGS...]');
  const [command, ...args] = argv.slice(split + 1);
  if (!command) throw new UsageError('no command after --');
  if (!(SOURCE_CHOICES as readonly string[]).includes(values.source!))
    throw new UsageError(`--source must be one of ${SOURCE_CHOICES.join(', ')}`);
  if (!values.watch && (values['on-change'] !== undefined || values.interval !== undefined)) {
    throw new UsageError('--on-change and --interval need --watch');
  }
  for (const p of values.path!) if (!p.startsWith('/')) throw new UsageError(`--path '${p.slice(0, 100)}' must start with /`);
  const grace = Number(values.grace);
  if (!/^\d+(\.\d+)?$/.test(values.grace!) || grace > 3600) throw new UsageError('--grace must be a number of seconds (0-3600)');
  // An explicit --env wins over a PARASOL_ENV_<NAME> of the same name.
  const explicit = values.env!.map(parseBinding);
  const names = new Set(explicit.map((b) => b.name));
  const bindings = [...bindingsFromEnv(env).filter((b) => !names.has(b.name)), ...explicit];
  if (bindings.length === 0 && values.path!.length === 0)
    throw new UsageError('nothing to inject: give --env NAME=REF, --path PREFIX or PARASOL_ENV_<NAME>=REF');
  return {
    bindings,
    paths: values.path!,
    allowMissing: values['allow-missing']!,
    pristine: values.pristine!,
    watch: values.watch!,
    action: parseExecAction(values['on-change'] ?? 'restart'),
    intervalSeconds: values.interval !== undefined ? parseInterval(values.interval) : ttlIntervalSeconds(env),
    graceMs: grace * 1000,
    source: values.source as SourceChoice,
    command,
    args,
  };
}

const say = (line: string) => process.stderr.write(`parasol exec: ${line}\n`);

/** The child's environment: parasol's own (or only PATH and HOME) without PARASOL_ENV_*, plus the resolved names. */
export function childEnvironment(base: NodeJS.ProcessEnv, values: ReadonlyMap<string, string>, pristine: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  if (pristine) {
    if (base.PATH !== undefined) env.PATH = base.PATH;
    if (base.HOME !== undefined) env.HOME = base.HOME;
  } else {
    for (const [k, v] of Object.entries(base)) if (!k.startsWith(ENV_BINDING_PREFIX)) env[k] = v;
  }
  for (const [name, value] of values) env[name] = value;
  return env;
}

export async function run(argv: string[]): Promise<void> {
  let options: ExecOptions | undefined;
  try {
    options = parseExecArgs(argv, process.env);
  } catch (e) {
    say((e as Error).message);
    process.exitCode = EXIT_PARASOL_FAILED;
    return;
  }
  if (!options) return;
  process.exitCode = await supervise(options);
}

/** Resolves, starts the child, forwards signals, watches; returns parasol's exit status. */
async function supervise(o: ExecOptions): Promise<number> {
  // A signal that arrives before the child exists ends parasol as it would have ended the child.
  let pendingSignal: NodeJS.Signals | undefined;
  let child: RunningChild | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (child) child.signal(signal);
    else pendingSignal ??= signal;
  };
  for (const s of FORWARDED_SIGNALS) process.on(s, onSignal);
  let source: ValueSource | undefined;
  try {
    source = await openSource(o.source);
    const first = await resolveOrReport(source, o);
    if (!first) return EXIT_PARASOL_FAILED;
    if (pendingSignal) return exitStatus({ code: null, signal: pendingSignal });
    const fingerprints = new Fingerprinter();
    let current = fingerprints.ofAll(first.values);
    try {
      child = await startChild(o.command, o.args, childEnvironment(process.env, first.values, o.pristine));
    } catch (e) {
      if (e instanceof StartError) {
        say(e.message);
        return e.status;
      }
      throw e;
    }
    if (!o.watch) {
      source.close();
      source = undefined;
      return exitStatus(await child.ended);
    }

    // --watch: poll; on a change act; parasol ends when the child ends on its own.
    let restarting = false;
    let finished: (status: number) => void = () => {};
    const done = new Promise<number>((resolve) => {
      finished = resolve;
    });
    const follow = (running: RunningChild) => {
      running.ended.then((end) => {
        if (!restarting && running === child) finished(exitStatus(end));
      });
    };
    follow(child);
    const watchSource = source;
    const poller = startPoller(o.intervalSeconds * 1000, async () => {
      let next: Resolution;
      try {
        next = await resolveBindings(watchSource, o.bindings, o.paths);
      } catch (e) {
        say(`poll failed, keeping the current values: ${(e as Error).message}`);
        return;
      }
      if (next.failures.length > 0) {
        for (const line of describeFailures(next.failures)) say(`poll: no longer resolves, keeping the current value: ${line}`);
        return;
      }
      const fresh = fingerprints.ofAll(next.values);
      const changed = changedNames(current, fresh);
      if (changed.length === 0) return;
      current = fresh;
      const env = childEnvironment(process.env, next.values, o.pristine);
      if (o.action.kind === 'restart') {
        say(`${changed.join(', ')} changed: restarting ${o.command}`);
        restarting = true;
        try {
          await child!.stop(o.graceMs);
          child = await startChild(o.command, o.args, env);
          follow(child);
        } catch (e) {
          say((e as Error).message);
          finished(e instanceof StartError ? e.status : EXIT_PARASOL_FAILED);
        } finally {
          restarting = false;
        }
      } else if (o.action.kind === 'signal') {
        say(`${changed.join(', ')} changed: sending ${o.action.signal} to ${o.command} (pid ${child!.pid})`);
        child!.signal(o.action.signal);
      } else {
        say(`${changed.join(', ')} changed: running ${o.action.command}`);
        const end = await runShellCommand(o.action.command, env).catch((e: Error) => {
          say(`cannot run the on-change command: ${e.message}`);
          return undefined;
        });
        if (end && exitStatus(end) !== 0) say(`the on-change command exited with status ${exitStatus(end)}`);
      }
    });
    const status = await done;
    poller.stop();
    return status;
  } catch (e) {
    say((e as Error).message);
    return EXIT_PARASOL_FAILED;
  } finally {
    source?.close();
    for (const s of FORWARDED_SIGNALS) process.off(s, onSignal);
  }
}

/** First resolution: every failure is reported by name and REF; without --allow-missing any failure stops here. */
async function resolveOrReport(source: ValueSource, o: ExecOptions): Promise<Resolution | undefined> {
  const resolution = await resolveBindings(source, o.bindings, o.paths);
  if (resolution.failures.length === 0) return resolution;
  const lines = describeFailures(resolution.failures);
  if (!o.allowMissing) {
    say(`${resolution.failures.length} reference(s) did not resolve, so ${o.command} was not started (--allow-missing starts it anyway):`);
    for (const line of lines) process.stderr.write(`  ${line}\n`);
    return undefined;
  }
  for (const line of lines) say(`left unset (--allow-missing): ${line}`);
  return resolution;
}
