#!/usr/bin/env node
// The `parasol` command. `parasol extension` runs the bundled sidecar
// (dist/extension/index.cjs, CommonJS: no ES module loader, none of the other
// commands' code), because a sidecar's start-up time is a feature; every other
// command goes through dist/main.js. Without the bundle (a tsc-only build),
// `extension` goes through dist/main.js too.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '../dist/extension/index.cjs');
if (process.argv[2] === 'extension' && existsSync(bundle)) require(bundle);
else import('../dist/main.js');
