import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'cli-secretsmanager.sh');

describe('the real aws CLI against parasol serve (cli-secretsmanager.sh)', () => {
  let serve: ServeProcess;
  before(async () => {
    serve = await startServe();
  });
  after(async () => {
    await serve.stop();
  });

  it('create, get, put, update-version-stage, list with filters, describe, tag/untag, delete/restore, get-random-password', () => {
    const version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
    assert.equal(version.error, undefined, 'the aws CLI is not installed (CI installs awscli)');
    const run = spawnSync('bash', [SCRIPT], {
      encoding: 'utf8',
      timeout: 240_000,
      env: {
        ...process.env,
        PARASOL_ENDPOINT: serve.url,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_REGION: 'us-east-1',
        AWS_PAGER: '',
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    });
    assert.equal(run.status, 0, `script failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /all checks passed/);
  });
});
