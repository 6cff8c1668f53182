/**
 * `parasol render`: a Handlebars template with secrets and parameters into a
 * file, written atomically with mode 0600 by default; with `--watch`,
 * re-rendered when a value changes and an action run (signal a process,
 * run a command).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseRenderAction, type RenderAction, runShellCommand, signalPidFile } from '../inject/action.js';
import { parseMode, writeFileAtomic } from '../inject/atomic-write.js';
import { exitStatus } from '../inject/child.js';
import { Fingerprinter } from '../inject/fingerprint.js';
import { openSource, SOURCE_CHOICES, type SourceChoice } from '../inject/open-source.js';
import { parseInterval, startPoller, ttlIntervalSeconds } from '../inject/poll.js';
import type { Ref } from '../inject/refs.js';
import { describeFailure, type ValueSource } from '../inject/source.js';
import { type Lookup, Template } from '../inject/template.js';

const HELP = `usage: parasol render --template FILE --out FILE [--mode 0600]
                      [--watch [--on-change signal:SIG:PIDFILE|run:CMD] [--interval SECONDS]]
                      [--source auto|extension|service]

Renders a Handlebars template into --out, atomically (temporary file in the same directory,
created 0600, flushed, renamed over --out).
  {{secret "NAME-OR-ARN[:json-key[:version-stage[:version-id]]]"}}   Secrets Manager value
  {{parameter "NAME-OR-ARN[:version|:label]"}}                      Parameter Store value (decrypted)
  {{json X}} X as a JSON string     {{shell X}} X single-quoted for sh / .env
  --mode MODE         permission bits of --out (default 0600)
  --watch             poll and re-render when the output would change, then run --on-change
  --on-change ACTION  signal:SIG:PIDFILE (e.g. signal:HUP:/run/nginx.pid) | run:CMD (sh -c CMD)
  --interval SECONDS  poll period (default: SECRETS_MANAGER_TTL / SSM_PARAMETER_STORE_TTL, else 300)
  --source WHERE      auto (the extension when it answers, else the services directly), extension, service`;

interface RenderOptions {
  template: string;
  out: string;
  mode: number;
  watch: boolean;
  action?: RenderAction;
  intervalSeconds: number;
  source: SourceChoice;
}

function parseRenderArgs(argv: string[], env: NodeJS.ProcessEnv): RenderOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      template: { type: 'string' },
      out: { type: 'string' },
      mode: { type: 'string', default: '0600' },
      watch: { type: 'boolean', default: false },
      'on-change': { type: 'string' },
      interval: { type: 'string' },
      source: { type: 'string', default: 'auto' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return undefined;
  }
  if (!values.template || !values.out) throw new Error('--template FILE and --out FILE are required');
  if (!(SOURCE_CHOICES as readonly string[]).includes(values.source!))
    throw new Error(`--source must be one of ${SOURCE_CHOICES.join(', ')}`);
  if (!values.watch && (values['on-change'] !== undefined || values.interval !== undefined))
    throw new Error('--on-change and --interval need --watch');
  return {
    template: values.template,
    out: values.out,
    mode: parseMode(values.mode!),
    watch: values.watch!,
    action: values['on-change'] !== undefined ? parseRenderAction(values['on-change']) : undefined,
    intervalSeconds: values.interval !== undefined ? parseInterval(values.interval) : ttlIntervalSeconds(env),
    source: values.source as SourceChoice,
  };
}

const say = (line: string) => process.stderr.write(`parasol render: ${line}\n`);

/** Fetches references through `source`; any that does not resolve fails the render, naming them all. */
function lookupThrough(source: ValueSource): Lookup {
  return async (refs: Ref[]) => {
    const resolved = await source.resolve(refs);
    const failed = resolved.filter((r) => r.error);
    if (failed.length > 0) {
      throw new Error(
        `${failed.length} reference(s) did not resolve, nothing written:\n${failed.map((r) => `  ${describeFailure(r.ref, r.error!)}`).join('\n')}`,
      );
    }
    return new Map(resolved.map((r) => [r.ref.text, r.value!]));
  };
}

export async function run(argv: string[]): Promise<void> {
  let source: ValueSource | undefined;
  try {
    const options = parseRenderArgs(argv, process.env);
    if (!options) return;
    let text: string;
    try {
      text = await readFile(options.template, 'utf8');
    } catch (e) {
      throw new Error(`cannot read template ${options.template} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const template = new Template(text, options.template);
    source = await openSource(options.source);
    const lookup = lookupThrough(source);
    const fingerprints = new Fingerprinter();
    const output = await template.renderWith(lookup);
    await write(options, output);
    let last = fingerprints.of(output);
    if (!options.watch) return;

    say(`wrote ${options.out}; watching ${template.references().length} reference(s) every ${options.intervalSeconds} s`);
    const poller = startPoller(options.intervalSeconds * 1000, async () => {
      let next: string;
      try {
        next = await template.renderWith(lookup);
      } catch (e) {
        say(`poll failed, ${options.out} left as it is: ${(e as Error).message}`);
        return;
      }
      const fingerprint = fingerprints.of(next);
      if (fingerprint === last) return;
      try {
        await write(options, next);
      } catch (e) {
        say((e as Error).message);
        return;
      }
      last = fingerprint;
      await act(options);
    });
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    poller.stop();
  } catch (e) {
    say((e as Error).message);
    process.exitCode = 1;
  } finally {
    source?.close();
  }
}

async function write(options: RenderOptions, output: string): Promise<void> {
  try {
    await writeFileAtomic(options.out, output, options.mode);
  } catch (e) {
    throw new Error(`cannot write ${options.out} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

async function act(options: RenderOptions): Promise<void> {
  const action = options.action;
  if (!action) {
    say(`${options.out} re-rendered`);
    return;
  }
  try {
    if (action.kind === 'signal') {
      const pid = await signalPidFile(action.pidFile, action.signal);
      say(`${options.out} re-rendered: sent ${action.signal} to process ${pid}`);
    } else {
      say(`${options.out} re-rendered: running ${action.command}`);
      const end = await runShellCommand(action.command, process.env);
      if (exitStatus(end) !== 0) say(`the on-change command exited with status ${exitStatus(end)}`);
    }
  } catch (e) {
    say(`on-change failed: ${(e as Error).message}`);
  }
}
