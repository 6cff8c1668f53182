#!/usr/bin/env node
// Bundles `parasol extension` (src/extension-main.ts → the extension package
// inlined) the way the Node.js Lambda layer is bundled: dist/extension/index.cjs
// plus dist/extension/lib/*.cjs for what it imports lazily. bin/parasol.cjs runs
// it for `parasol extension`. Why: started unbundled, through the ES module
// loader and the CLI's own modules, a sidecar took ~1.7× a bare node:http
// server's time to its first /ping (bench/results.md has today's figure).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNodejsLayer } from '../dist/layer/bundle.js';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(pkg, 'dist/extension');
rmSync(out, { recursive: true, force: true });
for (const [path, data] of await bundleNodejsLayer(join(pkg, 'src/extension-main.ts'))) {
  mkdirSync(dirname(join(out, path)), { recursive: true });
  writeFileSync(join(out, path), data);
}
