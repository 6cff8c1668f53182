#!/usr/bin/env node
// The `parasol` command. `parasol extension` and `parasol serve` run their
// bundles (dist/extension/index.cjs, CommonJS with no ES module loader;
// dist/serve/index.mjs, one module): a sidecar's and a local service's start-up
// time is a feature, and the bundles load none of the other commands' code.
// Every other command, and both when the bundles are missing (a tsc-only
// build), go through dist/main.js.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundles = { extension: '../dist/extension/index.cjs', serve: '../dist/serve/index.mjs' };
const bundle = bundles[process.argv[2]] && join(__dirname, bundles[process.argv[2]]);
if (bundle && existsSync(bundle)) {
  if (bundle.endsWith('.cjs')) require(bundle);
  else import(bundle);
} else if (existsSync(join(__dirname, '../dist/main.js'))) import('../dist/main.js');
else {
  // Committed (not built) so npm links it before any build: say what to do when there is no build yet.
  process.stderr.write('parasol: the CLI is not built (no packages/cli/dist/main.js); run `npm run build` in the repository first\n');
  process.exitCode = 1;
}
