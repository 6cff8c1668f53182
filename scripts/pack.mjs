#!/usr/bin/env node
// `npm run pack`: one tarball per publishable package in dist/packages/
// (npm pack --workspaces), from a fresh build. Install them into any project
// with `npm install <repo>/dist/packages/*.tgz` (README: Install).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'dist/packages');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const npm = spawnSync('npm', ['pack', '--workspaces', '--pack-destination', out, '--json', '--silent'], {
  cwd: root,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (npm.status !== 0) {
  process.stderr.write(npm.stdout);
  process.exit(npm.status ?? 1);
}
for (const pkg of JSON.parse(npm.stdout)) {
  process.stdout.write(`dist/packages/${pkg.filename}  ${pkg.entryCount} files, ${(pkg.size / 1024).toFixed(1)} KiB\n`);
}
