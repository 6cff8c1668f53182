#!/usr/bin/env node
/** Entry point of the extension process (the Lambda layer launches this). */
import { runFromEnvironment } from './run.js';
import { packageVersion } from './upstream/index.js';

const arg = process.argv[2];
if (arg === '--version' || arg === '-v') {
  process.stdout.write(`${packageVersion()}\n`);
} else {
  runFromEnvironment().catch((e: unknown) => {
    process.stderr.write(`parasol extension: fatal: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
