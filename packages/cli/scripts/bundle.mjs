#!/usr/bin/env node
// Bundles the two long-running commands, which bin/parasol.cjs starts directly
// (why: a sidecar's and a local service's start-up time is a feature; started
// unbundled, through the ES module loader and a graph of ~60 small modules, they
// took ~1.7× a bare node:http server's time to their first answer — bench/results.md
// has today's figures):
//  - `parasol extension` (src/extension-main.ts, the extension inlined) the way the
//    Node.js Lambda layer is bundled: dist/extension/index.cjs plus
//    dist/extension/lib/*.cjs for what it imports lazily. CommonJS: no ESM loader.
//  - `parasol serve` (src/serve-main.ts, the local service inlined) into
//    dist/serve/index.mjs, one ES module (the service resolves its rotation
//    runner and tsx through import.meta); better-sqlite3 and the SDK stay packages.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleNodejsLayer } from '../dist/layer/bundle.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const extensionOut = join(pkg, 'dist/extension');
rmSync(extensionOut, { recursive: true, force: true });
for (const [path, data] of await bundleNodejsLayer(join(pkg, 'src/extension-main.ts'))) {
  mkdirSync(dirname(join(extensionOut, path)), { recursive: true });
  writeFileSync(join(extensionOut, path), data);
}

await build({
  entryPoints: [join(pkg, 'src/serve-main.ts')],
  outfile: join(pkg, 'dist/serve/index.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Workspace packages from their TypeScript sources, as in tests.
  conditions: ['source'],
  // Every npm package stays a package (better-sqlite3 is native); the workspace's own (@parasol/*) are inlined.
  plugins: [
    {
      name: 'external-npm-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@parasol/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
