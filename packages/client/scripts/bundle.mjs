#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Bundles each entry point built by tsc into ONE file, which is what package.json `exports` resolves to:
//   dist/index.js           → dist/index.bundle.js      (`@parasol/client`; the SDK stays external and is
//                                                        imported on first use)
//   dist/extension/index.js → dist/extension.bundle.js  (`@parasol/client/extension`; node built-ins only)
// Why: importing a dozen small ES modules costs a few ms of loader work on every cold start; one file keeps
// the import of the extension entry under 5 ms. Errors keep `instanceof` across the two bundles (errors.ts).
import { build } from 'esbuild';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = [
  ['dist/index.js', 'dist/index.bundle.js'],
  ['dist/extension/index.js', 'dist/extension.bundle.js'],
];
for (const [entry, out] of entries) {
  await build({
    entryPoints: [join(pkg, entry)],
    outfile: join(pkg, out),
    bundle: true,
    packages: 'external', // bare imports (the optional SDK peers) stay imports
    platform: 'node',
    format: 'esm',
    target: 'node20',
    legalComments: 'none',
    // Whitespace and syntax only: identifiers stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
}
