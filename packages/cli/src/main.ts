#!/usr/bin/env node
/**
 * The `parasol` command. Each subcommand lives in its own module and is
 * imported only when used, so `parasol extension` never loads the local service.
 */
const USAGE = `usage: parasol <command> [options]

commands:
  serve       local AWS-compatible Secrets Manager + Parameter Store (default 127.0.0.1:2774)
  extension   the caching extension / sidecar on 127.0.0.1:2773
  dev         serve + extension together, seeded, with a token and a ready curl
  layer       build Lambda layer zips (layer build)

run 'parasol <command> --help' for a command's options.`;

const commands: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  serve: () => import('./commands/serve.js'),
  extension: () => import('./commands/extension.js'),
  dev: () => import('./commands/dev.js'),
  layer: () => import('./commands/layer.js'),
};

async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`parasol: unknown command '${name}'\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  await (await load()).run(rest);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`parasol: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
