#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Bundles the extension entry (dist/extension/index.js, built by tsc) into ONE file,
// dist/extension.bundle.js, which is what `@parasol/client/extension` resolves to.
// Why: importing a dozen small ESM files costs a few ms of loader work each run; one file
// keeps the import cost of the extension entry under 5 ms. Only node built-ins are external.
import { build } from 'esbuild';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
await build({
  entryPoints: [join(pkg, 'dist/extension/index.js')],
  outfile: join(pkg, 'dist/extension.bundle.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  // Whitespace and syntax only: identifiers stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
