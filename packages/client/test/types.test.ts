/**
 * Runs the type-level tests (types/return-types.ts, fixtures/*.ts) through tsc, so CI fails when an inferred
 * return type is wrong or a wrong use stops being rejected (an unused `@ts-expect-error` is an error).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../test-support/processes.js';

test('tsc accepts the inferred return types and rejects the wrong uses', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'packages/client/test/tsconfig.json', '--pretty', 'false'], {
    cwd: REPO_ROOT,
    encoding: 'utf-8',
  });
  assert.equal(result.status, 0, `tsc reported:\n${result.stdout}${result.stderr}`);
});
