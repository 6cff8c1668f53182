#!/usr/bin/env node
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Bundles each entry point into ONE file, which is what package.json `exports` resolves to:
//   src/index.ts           → dist/index.bundle.js      (`@parasol/client`; the SDK stays external and is
//                                                       imported on first use)
//   src/extension/index.ts → dist/extension.bundle.js  (`@parasol/client/extension`; node built-ins only)
// Why: importing a dozen small ES modules costs a few ms of loader work on every cold start; one file keeps
// the import of the extension entry under 5 ms. Errors keep `instanceof` across the two bundles (errors.ts).
// Not minified, with a linked source map (sources included): an uncaught error prints a short readable
// line of the bundle, and with `node --enable-source-maps` a stack of `src/*.ts` file:line.
// tsc (`npm run build`) type-checks and writes the .d.ts files; esbuild reads the TypeScript sources.
import { build } from 'esbuild';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = [
  ['src/index.ts', 'dist/index.bundle.js'],
  ['src/extension/index.ts', 'dist/extension.bundle.js'],
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
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
