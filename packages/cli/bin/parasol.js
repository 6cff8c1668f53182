#!/usr/bin/env node
// The `parasol` command's entry in package.json `bin`. It is committed (not
// built) so npm links it when the repository is installed, before any build;
// it runs the compiled CLI and says what to do when there is none yet.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('parasol: the CLI is not built (no packages/cli/dist/main.js); run `npm run build` in the repository first\n');
  process.exit(1);
}
await import(main.href);
