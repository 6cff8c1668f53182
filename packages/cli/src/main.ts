#!/usr/bin/env node
/**
 * The `parasol` command. Each subcommand lives in its own module and is
 * imported only when used, so `parasol extension` never loads the local service.
 *
 * Exit codes: 0 done, 1 failed (the message says why), 2 usage error (unknown
 * command or flag, bad flag value; the message points at `--help`).
 */
import { readFileSync } from 'node:fs';
import { escapeControl } from '@parasol/log';

interface Command {
  run(argv: string[]): Promise<void>;
}

/** One line per command: its one-line summary and its lazily imported module. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: {
    summary: 'local AWS-compatible Secrets Manager + Parameter Store (default 127.0.0.1:2774)',
    load: () => import('./commands/serve.js'),
  },
  extension: { summary: 'the caching extension / sidecar on 127.0.0.1:2773', load: () => import('./commands/extension.js') },
  dev: { summary: 'serve + extension together, seeded, with a token and a ready curl', load: () => import('./commands/dev.js') },
  layer: { summary: 'build Lambda layer zips (layer build)', load: () => import('./commands/layer.js') },
  exec: {
    summary: 'run a command with secrets and parameters in its environment (--watch keeps them current)',
    load: () => import('./commands/exec.js'),
  },
  render: {
    summary: 'render a template with secrets and parameters into a file, atomically (--watch re-renders)',
    load: () => import('./commands/render.js'),
  },
};

const USAGE = `usage: parasol <command> [options]

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`)
  .join('\n')}

  parasol help <command>     the same as 'parasol <command> --help'
  parasol --version, -v      print the version`;

/** This package's version (src/ and dist/ both sit one level below package.json). */
function version(): string {
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

async function main(argv: string[]): Promise<void> {
  let [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (name === 'help' && rest.length > 0) {
    name = rest[0];
    rest = ['--help'];
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`parasol: unknown command '${escapeControl(name)}'\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  await (await command.load()).run(rest);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  const usage = e instanceof Error && e.name === 'UsageError' ? (e as Error & { command?: string }) : undefined;
  if (usage) {
    const help = usage.command ? ` (see 'parasol ${usage.command} --help')` : '';
    process.stderr.write(`parasol${usage.command ? ` ${usage.command}` : ''}: ${escapeControl(usage.message)}${help}\n`);
    process.exitCode = 2;
    return;
  }
  // Messages can quote what was typed or read (names, paths): control characters are escaped here too.
  process.stderr.write(`parasol: ${escapeControl(e instanceof Error ? e.message : String(e))}\n`);
  process.exitCode = 1;
});
