/**
 * Entry of the bundled `parasol serve` (dist/serve/index.mjs, built by
 * scripts/bundle.mjs), which bin/parasol.cjs starts for that one command: one
 * module instead of the local service's graph of small ones.
 */
import { run } from './commands/serve.js';

run(process.argv.slice(3)).catch((e: unknown) => {
  process.stderr.write(`parasol: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
