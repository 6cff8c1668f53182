/**
 * Entry of the bundled `parasol extension` (dist/extension/index.cjs, built by
 * scripts/bundle.mjs), which bin/parasol.cjs starts for that one
 * command: one CommonJS file, so a sidecar starts without the ESM loader, the
 * module graph of the unbundled packages or the rest of the CLI.
 */
import { run } from './commands/extension.js';

run(process.argv.slice(3)).catch((e: unknown) => {
  process.stderr.write(`parasol: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
