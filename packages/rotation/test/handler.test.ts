/**
 * createRotationHandler's guards and step plumbing, against parasol serve.
 * The valueless AWSPENDING versions come from a real RotateSecret whose
 * function (an HTTP endpoint here) does nothing; the handler under test is
 * then called directly with the same events Secrets Manager sends.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { ServeProcess } from '../../../test-support/processes.ts';
import { createRotationHandler, passwordOptionsFromEnv, RotationError, type RotationSteps, type StepContext } from '../src/index.ts';
import { smClient, stages, startServeWithRotators } from './support.ts';

let serve: ServeProcess;
let sm: SecretsManagerClient;
let noop: Server;

before(async () => {
  noop = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200).end('{}'));
  });
  await new Promise<void>((r) => noop.listen(0, '127.0.0.1', r));
  serve = await startServeWithRotators({ noop: `http://127.0.0.1:${(noop.address() as AddressInfo).port}/` });
  sm = smClient(serve.url);
});

after(async () => {
  await serve?.stop();
  noop?.close();
});

/** A secret with value `v0` and a pending rotation whose AWSPENDING version has no value yet. */
async function pendingRotation() {
  const name = `handler/${randomUUID()}`;
  const created = await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v0' }));
  const token = randomUUID();
  await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: token, RotationLambdaARN: 'noop' }));
  return { arn: created.ARN!, v0: created.VersionId!, token };
}

function recordingSteps(calls: string[], value = () => 'new-value'): RotationSteps {
  return {
    async createSecret(ctx: StepContext) {
      calls.push(`createSecret:${await ctx.current()}`);
      return value();
    },
    async setSecret(ctx) {
      calls.push(`setSecret:${await ctx.pending()}`);
    },
    async testSecret(ctx) {
      calls.push(`testSecret:${await ctx.pending()}`);
    },
  };
}

const event = (Step: string, SecretId: string, ClientRequestToken: string) => ({
  Step,
  SecretId,
  ClientRequestToken,
  RotationToken: randomUUID(),
});
const rejectsWith = (p: Promise<unknown>, code: string) => assert.rejects(p, (e: Error) => e instanceof RotationError && e.code === code);

describe('createRotationHandler', () => {
  test('runs the four steps; createSecret stores the value as AWSPENDING once, a retry keeps it; finishSecret moves AWSCURRENT', async () => {
    const { arn, v0, token } = await pendingRotation();
    const calls: string[] = [];
    let n = 0;
    const handler = createRotationHandler(
      recordingSteps(calls, () => `value-${++n}`),
      { client: sm, log: () => {} },
    );
    await handler(event('createSecret', arn, token));
    await handler(event('createSecret', arn, token)); // retried step
    assert.deepEqual(calls, ['createSecret:v0'], 'the step runs once; the retry finds the stored value');
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPENDING' }))).SecretString, 'value-1');
    await handler(event('setSecret', arn, token));
    await handler(event('testSecret', arn, token));
    await handler(event('finishSecret', arn, token));
    assert.deepEqual(calls, ['createSecret:v0', 'setSecret:value-1', 'testSecret:value-1']);
    const after = await stages(sm, arn);
    assert.deepEqual(after[v0], ['AWSPREVIOUS']);
    assert.deepEqual(after[token].sort(), ['AWSCURRENT', 'AWSPENDING'], 'AWSPENDING stays until the service clears it');
    // The token is now AWSCURRENT: every step returns at once (a completed rotation retried).
    await handler(event('setSecret', arn, token));
    assert.equal(calls.length, 3);
  });

  test('guards: token not a version, token not AWSPENDING, rotation disabled, bad events', async () => {
    const { arn, v0, token } = await pendingRotation();
    const handler = createRotationHandler(recordingSteps([]), { client: sm, log: () => {} });
    await rejectsWith(handler(event('setSecret', arn, randomUUID())), 'VersionNotInSecret');
    // v0 is AWSCURRENT → returns; a version that is neither AWSCURRENT nor AWSPENDING is refused.
    await handler(event('setSecret', arn, v0));
    const other = await pendingRotation();
    await handler(event('createSecret', other.arn, other.token));
    await handler(event('finishSecret', other.arn, other.token));
    await rejectsWith(handler(event('setSecret', other.arn, other.v0)), 'VersionNotPending'); // now AWSPREVIOUS
    await rejectsWith(handler(event('rotate', arn, token)), 'UnknownStep');
    await rejectsWith(handler({ Step: 'createSecret', SecretId: arn } as never), 'InvalidEvent');
    await rejectsWith(handler(event('createSecret', arn, 'tok\u00e9n')), 'InvalidEvent');
    await sm.send(new CancelRotateSecretCommand({ SecretId: arn }));
    await rejectsWith(handler(event('createSecret', arn, token)), 'RotationNotEnabled');
  });

  test("newPassword uses GetRandomPassword with the AWS templates' environment variables", async () => {
    assert.deepEqual(passwordOptionsFromEnv({}), {
      ExcludeCharacters: ':/@"\'\\',
      PasswordLength: 32,
      ExcludeNumbers: false,
      ExcludePunctuation: false,
      ExcludeUppercase: false,
      ExcludeLowercase: false,
      RequireEachIncludedType: true,
    });
    const options = passwordOptionsFromEnv({
      PASSWORD_LENGTH: '50',
      EXCLUDE_CHARACTERS: 'abc',
      EXCLUDE_PUNCTUATION: 'Yes',
      REQUIRE_EACH_INCLUDED_TYPE: 'no',
    });
    assert.equal(options.PasswordLength, 50);
    assert.equal(options.ExcludePunctuation, true);
    assert.equal(options.RequireEachIncludedType, false);
    assert.throws(() => passwordOptionsFromEnv({ PASSWORD_LENGTH: 'x' }), { message: 'PASSWORD_LENGTH must be an integer 1-4096' });

    const { arn, token } = await pendingRotation();
    let generated = '';
    const handler = createRotationHandler(
      {
        async createSecret(ctx) {
          generated = await ctx.newPassword();
          return generated;
        },
        async setSecret() {},
        async testSecret() {},
      },
      { client: sm, passwordOptions: options, log: () => {} },
    );
    await handler(event('createSecret', arn, token));
    assert.equal(generated.length, 50);
    assert.match(generated, /^[A-Za-z0-9]+$/);
    assert.doesNotMatch(generated, /[abc]/);
  });
});
