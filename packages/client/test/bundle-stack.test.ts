/**
 * What a user sees when a client error goes uncaught in a program that imports
 * the BUILT bundle (as installed from npm): a short stack, and with
 * `--enable-source-maps` one that names `src/*.ts` file:line — not a 20 KB
 * line of minified code. Needs `npm run build` (npm test builds first).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../../test-support/processes.js';

const BUNDLE = pathToFileURL(join(REPO_ROOT, 'packages/client/dist/extension.bundle.js')).href;
const PROGRAM = `import { getSecret } from '${BUNDLE}';\nawait getSecret('app/db');\n`;

function runUncaught(nodeArgs: string[]): { status: number | null; stderr: string } {
  const env = { ...process.env };
  for (const name of ['AWS_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CONTAINER_AUTHORIZATION_TOKEN']) delete env[name];
  const child = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', PROGRAM], { env, encoding: 'utf8' });
  return { status: child.status, stderr: child.stderr };
}

describe('an uncaught client error from the built bundle', () => {
  test('with --enable-source-maps: the stack names src/*.ts file:line, in under 2 KB', () => {
    const { status, stderr } = runUncaught(['--enable-source-maps']);
    assert.equal(status, 1);
    assert.match(stderr, /GetParameterError: no token for the extension/);
    assert.match(stderr, /packages\/client\/src\/extension\/http\.ts:\d+:\d+/);
    assert.match(stderr, /packages\/client\/src\/core\/secrets-provider\.ts:\d+:\d+/);
    assert.ok(Buffer.byteLength(stderr) < 2048, `${Buffer.byteLength(stderr)} bytes:\n${stderr}`);
  });

  test('without it: every line of the report is short (the bundle is not minified)', () => {
    const { status, stderr } = runUncaught([]);
    assert.equal(status, 1);
    assert.match(stderr, /GetParameterError: no token for the extension/);
    assert.match(stderr, /extension\.bundle\.js:\d+:\d+/);
    assert.ok(Buffer.byteLength(stderr) < 2048, `${Buffer.byteLength(stderr)} bytes:\n${stderr}`);
    const longest = Math.max(...stderr.split('\n').map((l) => l.length));
    assert.ok(longest < 400, `longest line ${longest} chars`);
  });
});
