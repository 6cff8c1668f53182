// `parasol dev`: local service + extension in one process, seeded from
// examples/seed.json through the AWS API; the printed curl must work, and a
// second start on the same data directory must too (idempotent seeding).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBody } from '../../../test-support/bodies.js';
import { CLI_SOURCE, REPO_ROOT, spawnTs } from '../../../test-support/processes.js';

const seed = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/seed.json'), 'utf8'));

async function startDev(dataDir: string) {
  const proc = await spawnTs(CLI_SOURCE, ['dev', '--seed', 'examples/seed.json', '--port', '0', '--serve-port', '0', '--data', dataDir], {
    // A token in the test runner's environment would be kept (and not printed): start without one.
    env: { AWS_TOKEN: '' },
    readyPattern: /Ctrl-C stops both/,
  });
  const out = proc.output();
  const token = out.match(/export AWS_TOKEN=([0-9a-f]+)/)![1];
  const curls = [...out.matchAll(/curl -s -H "X-Aws-Parameters-Secrets-Token: ([0-9a-f]+)" '([^']+)'/g)];
  return { proc, out, token, curls };
}

test('parasol dev seeds, prints a working token and curl, and restarts on the same data', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parasol-dev-'));
  try {
    const first = await startDev(dataDir);
    try {
      assert.match(first.out, /7 created, 0 updated, 0 unchanged/);
      assert.equal(first.curls.length, 2);
      const [secretCurl, parameterCurl] = first.curls;
      assert.equal(secretCurl[1], first.token);
      const secret = await readBody(await fetch(secretCurl[2], { headers: { 'X-Aws-Parameters-Secrets-Token': first.token } }));
      assert.equal(secret.Name, seed.secrets[0].name);
      assert.deepEqual(JSON.parse(secret.SecretString), seed.secrets[0].value);
      const parameter = await readBody(await fetch(parameterCurl[2], { headers: { 'X-Aws-Parameters-Secrets-Token': first.token } }));
      assert.equal(parameter.Parameter.Value, seed.parameters[0].value);
      const base = new URL(secretCurl[2]).origin;
      const secure = seed.parameters.find((p: any) => p.type === 'SecureString');
      const decrypted = await readBody(
        await fetch(`${base}/systemsmanager/parameters/get?name=${encodeURIComponent(secure.name)}&withDecryption=true`, {
          headers: { 'X-Aws-Parameters-Secrets-Token': first.token },
        }),
      );
      assert.equal(decrypted.Parameter.Value, secure.value);
    } finally {
      assert.equal(await first.proc.stop(), 0);
    }
    const second = await startDev(dataDir);
    try {
      assert.match(second.out, /0 created, 0 updated, 7 unchanged/);
      assert.notEqual(second.token, first.token, 'a fresh token per run');
      const res = await fetch(second.curls[0][2], { headers: { 'X-Aws-Parameters-Secrets-Token': second.token } });
      assert.equal(res.status, 200);
    } finally {
      await second.proc.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
