/** Which Node the standalone layers embed: the pinned versions and how `--node-version` picks one. */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { DEFAULT_NODE_VERSION, fetchNodeBinary, PINNED_NODE_VERSIONS, resolveNodeVersion } from '../src/layer/node-binary.js';

test('the default is the pinned Node 24 LTS; 22 selects the pinned Node 22; exact versions pass through', () => {
  assert.match(DEFAULT_NODE_VERSION, /^24\.\d+\.\d+$/);
  assert.equal(resolveNodeVersion('24'), DEFAULT_NODE_VERSION);
  assert.match(resolveNodeVersion('22'), /^22\.\d+\.\d+$/);
  assert.equal(resolveNodeVersion('22'), PINNED_NODE_VERSIONS['22']);
  assert.equal(resolveNodeVersion('26.1.0'), '26.1.0');
});

test('a version that is neither exact nor a pinned major is refused before any download', async () => {
  await assert.rejects(fetchNodeBinary('x86_64', '22.x', tmpdir()), {
    code: 'NodeBinaryError',
    message: `node version must be exact (like ${DEFAULT_NODE_VERSION}) or a pinned major (22, 24), got '22.x'`,
  });
});
