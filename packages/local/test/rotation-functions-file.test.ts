/**
 * `parasol serve --functions FILE` as an operator meets it: the file is checked
 * at start (module paths exist, URLs parse; the error names the entry), re-read
 * when it changes (a bad edit keeps the previous mapping and says why), an ARN
 * with no entry is named in the log with the file, and a failed step is logged
 * with the step, the function and its error. A real service, the AWS SDK, and
 * a real rotation function (fixtures/rotation-function.ts) in a child process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CLI_SOURCE, REPO_ROOT, type ServeProcess, startServe, TS_NODE_ARGS } from '../../../test-support/processes.ts';
import { smClient, uniqueName } from './secretsmanager-support.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures/rotation-function.ts');
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'parasol-functions-file-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON log lines written so far, parsed (serve logs JSON lines off a terminal). */
function logRecords(proc: ServeProcess): Record<string, unknown>[] {
  return proc
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

async function waitForRecord(proc: ServeProcess, match: (r: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const found = logRecords(proc).find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no such log line; output:\n${proc.output()}`);
}

describe('the functions file is checked at start', () => {
  const cases: [string, Record<string, unknown>, (file: string) => string][] = [
    [
      'a module path that does not exist',
      { 'rotate-pg': './missing-rotator.mjs' },
      (file) => `parasol: ${file}: functions map entry 'rotate-pg': module ${join(dir, 'missing-rotator.mjs')} does not exist\n`,
    ],
    [
      'a URL that does not parse',
      { 'rotate-http': 'http://exa mple.test/rotate' },
      (file) => `parasol: ${file}: functions map entry 'rotate-http': 'http://exa mple.test/rotate' is not a valid URL\n`,
    ],
    [
      'an entry of the wrong shape',
      { 'rotate-x': 42 },
      (file) =>
        `parasol: ${file}: functions map entry 'rotate-x': expected a module path, a URL, or {"handler"|"url", "env", "timeoutSeconds"}\n`,
    ],
  ];
  for (const [what, map, message] of cases) {
    test(`${what}: serve refuses to start (exit 1), naming the entry`, () => {
      const file = join(dir, `bad-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify(map));
      const run = spawnSync(process.execPath, [...TS_NODE_ARGS, CLI_SOURCE, 'serve', '--port', '0', '--in-memory', '--functions', file], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(run.status, 1);
      assert.equal(run.stderr, message(file));
    });
  }
});

describe('a running serve --functions', () => {
  let serve: ServeProcess;
  let sm: SecretsManagerClient;
  let file: string;
  const good = { handler: FIXTURE };

  before(async () => {
    file = join(dir, 'functions.json');
    writeFileSync(file, JSON.stringify({ [fnArn('good')]: good, 'fail-setSecret': { handler: FIXTURE, env: { FAIL_STEP: 'setSecret' } } }));
    serve = await startServe(['--functions', file]);
    sm = smClient(serve.url);
  });
  after(async () => {
    sm?.destroy();
    await serve?.stop();
  });

  const newSecret = async () => {
    const name = uniqueName('functions-file');
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v0' }));
    return name;
  };

  test('an ARN with no entry: the caller gets AccessDeniedException, the log names the ARN and the file', async () => {
    const name = await newSecret();
    await assert.rejects(sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fnArn('not-mapped') })), {
      name: 'AccessDeniedException',
    });
    const record = await waitForRecord(serve, (r) => r.function === fnArn('not-mapped'));
    assert.equal(record.level, 'info');
    assert.equal(
      record.msg,
      `no rotation function for ${fnArn('not-mapped')} in ${file}: add an entry for its ARN or name (a module path or URL)`,
    );
    assert.equal(record.functionsFile, file);
  });

  test('a failed step is logged with the step, the function and its error code and message', async () => {
    const name = await newSecret();
    await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fnArn('fail-setSecret') }));
    const record = await waitForRecord(serve, (r) => String(r.msg).startsWith('RotationFailed') && r.function === fnArn('fail-setSecret'));
    assert.equal(record.msg, `RotationFailed: Error when executing lambda ${fnArn('fail-setSecret')} during setSecret step`);
    assert.equal(record.step, 'setSecret');
    assert.equal(record.code, 'Error');
    assert.equal(record.message, 'injected failure in setSecret');
    assert.equal(serve.output().includes('rotated-'), false, 'the pending value is not logged');
  });

  test('an edit is picked up without a restart; a bad edit keeps the previous mapping and says why', async () => {
    writeFileSync(file, JSON.stringify({ [fnArn('good')]: good, [fnArn('added')]: good }));
    await waitForRecord(serve, (r) => r.msg === 'functions file reloaded' && r.entries === 2);
    const name = await newSecret();
    await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fnArn('added') }));
    assert.ok((await sm.send(new DescribeSecretCommand({ SecretId: name }))).LastRotatedDate, 'the added entry rotated the secret');

    writeFileSync(file, '{ "broken": ');
    const refused = await waitForRecord(serve, (r) => String(r.msg).startsWith('functions file not reloaded'));
    assert.equal(refused.level, 'warn');
    assert.match(String(refused.error), new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read functions map: `));
    const again = await newSecret();
    await sm.send(new RotateSecretCommand({ SecretId: again, RotationLambdaARN: fnArn('added') }));
    assert.ok((await sm.send(new DescribeSecretCommand({ SecretId: again }))).LastRotatedDate, 'the previous mapping still works');

    writeFileSync(file, JSON.stringify({ [fnArn('added')]: './nowhere.mjs' }));
    const missing = await waitForRecord(serve, (r) => String(r.error).includes('nowhere.mjs'));
    assert.equal(missing.error, `${file}: functions map entry '${fnArn('added')}': module ${join(dir, 'nowhere.mjs')} does not exist`);
  });
});
