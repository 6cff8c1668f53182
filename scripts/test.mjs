#!/usr/bin/env node
// Runs every test file of every package with node's test runner, TypeScript
// straight from source. `npm test` = build (type check) + lint + test type check + this.
//
// Usage: node scripts/test.mjs [--node 22] [path-substring ...]
//   no substring: every test file on this node, then the extension, client and cli
//                 suites again on Node 22 (the npm registry's node-linux-* package,
//                 as the layer build fetches it), so both Node lines are proved on every run;
//   substrings:   only the files whose path contains one, on this node (or with --node 22, on Node 22).
//
// PostgreSQL (rotation tests): one cluster per checkout (scripts/postgres.sh derives its directory
// from the checkout path), stopped when the run ends if this run started it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const nodeFlag = args.indexOf('--node');
const onlyNode = nodeFlag >= 0 ? args.splice(nodeFlag, 2)[1] : undefined;
const filters = args;
/** Suites whose code runs in Lambda or in users' programs, so they are proved on Node 22 too. */
const NODE22_SUITES = ['packages/extension/', 'packages/client/', 'packages/cli/'];
/** Not on Node 22: the packed install uses the machine's npm and node (better-sqlite3's addon is built for it); the examples are not runtime code. */
const NODE22_SKIP = ['packages/cli/test/install.test.ts', 'packages/cli/test/examples.test.ts'];

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (entry.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const all = collect(join(root, 'packages')).sort();
const matching = all.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (matching.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}

// The SDK's notice that releases after January 2027 need Node 22 (README: Requirements) would repeat in every test process.
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

let current;
// --test-timeout bounds each test FILE too: the layer test builds and reads ~120 MB executables, which on a
// loaded 2-core machine took over 300 s.
function runTests(node, files, extraEnv = {}) {
  return new Promise((resolve) => {
    current = spawn(node, ['--conditions=source', '--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', ...files], {
      stdio: 'inherit',
      cwd: root,
      env: { ...env, ...extraEnv },
    });
    current.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** The Node 22 binary from the npm registry, cached beside the layer build's (needs `npm run build`). */
async function node22() {
  const { fetchNodeBinary, PINNED_NODE_VERSIONS } = await import('../packages/cli/dist/layer/node-binary.js');
  const { defaultCacheDir } = await import('../packages/cli/dist/layer/build.js');
  const hostArch = arch() === 'arm64' ? 'arm64' : 'x86_64';
  const log = (line) => console.log(`test: ${line}`);
  return (await fetchNodeBinary(hostArch, PINNED_NODE_VERSIONS['22'], defaultCacheDir(root), log)).path;
}

const postgres = (command) => spawnSync('bash', [join(root, 'scripts/postgres.sh'), command], { cwd: root, env, stdio: 'ignore' });
const postgresWasRunning = postgres('status').status === 0;
function stopPostgres() {
  if (!postgresWasRunning) postgres('stop');
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    current?.kill(signal);
    stopPostgres();
    process.exit(130);
  });
}

let status = 0;
try {
  if (onlyNode === undefined || onlyNode === process.versions.node.split('.')[0]) {
    status = await runTests(process.execPath, matching);
  } else if (onlyNode !== '22') {
    console.error(`--node: only 22 is fetched for tests (this node is ${process.versions.node})`);
    status = 2;
  }
  const node22Files = (onlyNode === '22' ? matching : filters.length === 0 ? all : []).filter(
    (f) => NODE22_SUITES.some((s) => f.includes(s)) && !NODE22_SKIP.some((s) => f.endsWith(s)),
  );
  // Run even when the first pass failed: a failure on one Node line only is worth knowing as such.
  if (node22Files.length > 0 && process.versions.node.split('.')[0] !== '22') {
    if (!existsSync(join(root, 'packages/cli/dist/layer/node-binary.js'))) throw new Error('run `npm run build` first');
    const node = await node22();
    console.log(`test: the extension, client and cli suites on Node ${spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()}`);
    // `parasol serve` / `dev` keep this node: better-sqlite3's addon is built for it (test-support/processes.ts).
    const node22Status = await runTests(node, node22Files, { PARASOL_TEST_SQLITE_NODE: process.execPath });
    status ||= node22Status;
  }
} finally {
  stopPostgres();
}
process.exit(status);
