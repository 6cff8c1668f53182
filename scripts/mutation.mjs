#!/usr/bin/env node
// `npm run mutation [group ...]`: mutation testing (StrykerJS) of the modules
// where a silent regression would be a security or data bug. Each group
// mutates only its files and runs only the node:test files that cover them,
// through Stryker's command runner (node:test has no Stryker plugin; the
// command runner passes the active mutant in __STRYKER_ACTIVE_MUTANT__, which
// also reaches the `parasol serve` processes the tests start from source).
//
// Stryker mutates the files in place (inPlace) because the workspaces resolve
// each other through node_modules symlinks to this tree, which a sandbox copy
// would bypass; it restores them when it ends. Do not edit the mutated files
// while it runs. One mutant at a time (--concurrency 1): the tests start
// servers of their own.
//
// Scores per group are printed; JSON reports go to reports/mutation/<group>.json.
// `--mutate=FILE:LINES,…` narrows a group's run to some lines (to re-test survivors).
// Results and the reasoning about every surviving mutant: bench/mutation.md.
import { mkdirSync } from 'node:fs';
import { Stryker } from '@stryker-mutator/core';

// Each test file runs as its own node process without the --test orchestrator (one process
// start less per mutant: node:test still sets exit code 1 when a test fails); the first failing file ends the run.
const test = (...files) => files.map((f) => `node --conditions=source --import tsx --test-reporter=dot ${f}`).join(' && ');

/**
 * group → the files (or line ranges) to mutate and the tests that cover them.
 * `strings: false` leaves string literals unmutated in groups whose tests start
 * servers (a minute or more per mutant): there they are log and error texts,
 * whose exact wording the in-process groups do check.
 */
export const GROUPS = {
  'extension-token-cache': {
    mutate: ['packages/extension/src/token.ts', 'packages/extension/src/cache.ts'],
    command: test('packages/extension/test/unit.test.ts'),
  },
  'extension-lookup': {
    mutate: ['packages/extension/src/lookup.ts'],
    command: test('packages/extension/test/lookup.test.ts'),
  },
  sigv4: {
    mutate: ['packages/sigv4/src/verify.ts'],
    command: test('packages/sigv4/test/verify.test.ts', 'packages/sigv4/test/verify-edges.test.ts'),
  },
  'store-write-path': {
    // The write path of the Secrets Manager store: rows written and deleted, and the version rules.
    mutate: [
      'packages/local/src/secretsmanager/store.ts:215-235',
      'packages/local/src/secretsmanager/store.ts:264-272',
      'packages/local/src/secretsmanager/store.ts:297-329',
      'packages/local/src/secretsmanager/store.ts:378-385',
      'packages/local/src/secretsmanager/versions.ts',
    ],
    command: test('packages/local/test/secretsmanager-store.test.ts'),
  },
  'rotation-handler': {
    // The guards every step passes first (event checks, rotation enabled, the token's stages) and the pending-value read.
    mutate: ['packages/rotation/src/handler.ts:78-149'],
    command: test('packages/rotation/test/handler.test.ts'),
    strings: false,
  },
  'rotation-postgres-guards': {
    // setSecret of alternating users and the master secret's checks: what stands before the superuser acts.
    mutate: ['packages/rotation/src/postgres/alternating-users.ts:35-53', 'packages/rotation/src/postgres/alternating-users.ts:92-116'],
    command: test('--test-name-pattern=alternating packages/rotation/test/postgres.test.ts'),
    strings: false,
  },
};

// --mutate=FILE:LINES[,FILE:LINES…] narrows a run to some lines (re-testing survivors after adding tests).
const narrow = process.argv
  .find((a) => a.startsWith('--mutate='))
  ?.slice('--mutate='.length)
  .split(',');
const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const n of names) if (!GROUPS[n]) throw new Error(`unknown group ${n}; groups: ${Object.keys(GROUPS).join(', ')}`);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.PARASOL_PG_DIR ??= '/tmp/parasol-pg-mutation';
mkdirSync('reports/mutation', { recursive: true });

const summary = [];
for (const name of names.length ? names : Object.keys(GROUPS)) {
  const group = GROUPS[name];
  const stryker = new Stryker({
    mutate: narrow ?? group.mutate,
    mutator: { excludedMutations: group.strings === false ? ['StringLiteral'] : [] },
    testRunner: 'command',
    commandRunner: { command: group.command },
    coverageAnalysis: 'off',
    inPlace: true,
    concurrency: 1,
    timeoutMS: 60_000,
    disableTypeChecks: true,
    reporters: ['clear-text', 'json', 'progress-append-only'],
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    tempDirName: `.stryker-tmp/${name}`,
    cleanTempDir: true,
  });
  const results = await stryker.runMutationTest();
  const count = (...statuses) => results.filter((r) => statuses.includes(r.status)).length;
  const detected = count('Killed', 'Timeout');
  const valid = results.length - count('CompileError', 'RuntimeError', 'Ignored');
  summary.push(
    `${name}: ${((100 * detected) / Math.max(1, valid)).toFixed(1)}% (${detected} of ${valid} detected; ${count('Survived')} survived, ${count('NoCoverage')} no coverage)`,
  );
}
process.stdout.write(`\nmutation scores\n${summary.map((s) => `  ${s}`).join('\n')}\n`);
