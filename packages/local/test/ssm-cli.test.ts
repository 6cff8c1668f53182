import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'cli-ssm.sh');

/** The aws CLI (v1 or v2; scripts/setup.sh installs it) drives Parameter Store through cli-ssm.sh. */
describe('Parameter Store through the aws CLI (parasol serve)', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe();
  });
  after(async () => {
    await serve?.stop();
  });

  it('passes every check of cli-ssm.sh', () => {
    const version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
    assert.equal(version.error, undefined, 'the aws CLI is not installed: run scripts/setup.sh');
    const run = spawnSync('bash', [SCRIPT], { env: { ...process.env, ENDPOINT: serve.url }, encoding: 'utf8', timeout: 240_000 });
    assert.equal(run.status, 0, `cli-ssm.sh failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /cli-ssm: \d+ checks passed/);
  });
});
