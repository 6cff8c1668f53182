#!/usr/bin/env node
/** Entry point of the extension process (the Lambda layer launches this). */
import { runFromEnvironment } from './run.js';

runFromEnvironment().catch((e: unknown) => {
  process.stderr.write(`[parasol extension] fatal: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
