/**
 * RotateSecret / CancelRotateSecret in the local service, driven by the AWS SDK
 * against `parasol serve --functions`, with a real rotation function running in
 * the service's child process (fixtures/rotation-function.ts) and an HTTP one.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  RotateSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { type ServeProcess, startServe } from '../../../test-support/processes.ts';
import { rawCall, smClient, uniqueName } from './secretsmanager-support.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures/rotation-function.ts');
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const STEPS = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] as const;

let serve: ServeProcess;
let sm: SecretsManagerClient;
let dir: string;
let httpFn: Server;
const httpEvents: unknown[] = [];
let httpStatus = 200;

interface Recorded {
  event: { Step: string; SecretId: string; ClientRequestToken: string; RotationToken?: string };
  observed: Record<string, unknown>;
}
const eventsOf = (name: string, token?: string): Recorded[] => {
  const file = join(dir, `${name}.jsonl`);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Recorded)
    .filter((r) => token === undefined || r.event.ClientRequestToken === token);
};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parasol-rotation-'));
  httpFn = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      httpEvents.push(JSON.parse(body));
      res.writeHead(httpStatus, { 'content-type': 'application/json' }).end(httpStatus === 200 ? '{}' : '{"errorMessage":"boom"}');
    });
  });
  await new Promise<void>((r) => httpFn.listen(0, '127.0.0.1', r));
  const map: Record<string, unknown> = {
    [fnArn('good')]: { handler: FIXTURE, env: { EVENTS_FILE: join(dir, 'good.jsonl') } },
    'writes-by-hand': { handler: FIXTURE, env: { WRITE_DURING: 'setSecret', EVENTS_FILE: join(dir, 'writes-by-hand.jsonl') } },
    'http-fn': `http://127.0.0.1:${(httpFn.address() as AddressInfo).port}/rotate`,
  };
  for (const step of STEPS)
    map[`fail-${step}`] = { handler: FIXTURE, env: { FAIL_STEP: step, EVENTS_FILE: join(dir, `fail-${step}.jsonl`) } };
  writeFileSync(join(dir, 'functions.json'), JSON.stringify(map));
  serve = await startServe(['--functions', join(dir, 'functions.json')]);
  sm = smClient(serve.url);
});

after(async () => {
  await serve?.stop();
  httpFn?.close();
});

async function newSecret(value = 'v0') {
  const name = uniqueName('rot');
  const out = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
  return { name, arn: out.ARN!, v0: out.VersionId! };
}

const describeSecret = (id: string) => sm.send(new DescribeSecretCommand({ SecretId: id }));

describe('RotateSecret runs the four steps as AWS does', () => {
  test('AWSPENDING version without a value, then createSecret..finishSecret with {Step, SecretId, ClientRequestToken, RotationToken}', async () => {
    const { arn, name, v0 } = await newSecret();
    const token = randomUUID();
    const out = await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        ClientRequestToken: token,
        RotationLambdaARN: fnArn('good'),
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );
    assert.deepEqual({ ARN: out.ARN, Name: out.Name, VersionId: out.VersionId }, { ARN: arn, Name: name, VersionId: token });

    const events = eventsOf('good', token);
    assert.deepEqual(
      events.map((e) => e.event.Step),
      [...STEPS],
    );
    for (const { event } of events) {
      assert.equal(event.SecretId, arn);
      assert.equal(event.ClientRequestToken, token);
      assert.match(event.RotationToken ?? '', /^[0-9a-f-]{36}$/);
    }
    assert.equal(new Set(events.map((e) => e.event.RotationToken)).size, 1, 'one RotationToken per rotation');
    const atCreate = events[0].observed;
    assert.equal(atCreate.rotationEnabled, true, 'RotationEnabled is true before the function runs');
    assert.deepEqual(atCreate.tokenStages, ['AWSPENDING']);
    assert.equal(atCreate.pendingHasValue, false, 'the AWSPENDING version starts without a value');
    assert.equal(atCreate.endpoint, serve.url);
    assert.equal(atCreate.smEndpoint, serve.url);
    assert.equal(atCreate.region, 'us-east-1');
    assert.equal(atCreate.functionName, 'good');
    assert.equal(events[1].observed.pendingHasValue, true);

    const d = await describeSecret(name);
    assert.equal(d.RotationEnabled, true);
    assert.equal(d.RotationLambdaARN, fnArn('good'));
    assert.deepEqual(d.RotationRules, { AutomaticallyAfterDays: 30 });
    assert.ok(d.LastRotatedDate instanceof Date);
    assert.ok(d.NextRotationDate instanceof Date);
    assert.equal(d.NextRotationDate.getTime() - d.LastRotatedDate.getTime(), 30 * 86_400_000);
    assert.deepEqual(d.VersionIdsToStages, { [v0]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
    const value = await sm.send(new GetSecretValueCommand({ SecretId: name }));
    assert.equal(value.SecretString, `rotated-${token}`);
    const previous = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }));
    assert.equal(previous.SecretString, 'v0');

    // The same request again (SDK retry) answers the same and runs nothing.
    const again = await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: token }));
    assert.equal(again.VersionId, token);
    assert.equal(eventsOf('good', token).length, 4);

    // A second rotation reuses the stored function and rules.
    const token2 = randomUUID();
    await sm.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: token2 }));
    const d2 = await describeSecret(name);
    assert.deepEqual(d2.VersionIdsToStages, { [token]: ['AWSPREVIOUS'], [token2]: ['AWSCURRENT'] });
    assert.deepEqual(d2.RotationRules, { AutomaticallyAfterDays: 30 });
  });

  test('RotateImmediately=false runs only testSecret, against a temporary AWSPENDING copy of the current value', async () => {
    const { name, v0 } = await newSecret('keep-me');
    const token = randomUUID();
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        ClientRequestToken: token,
        RotationLambdaARN: fnArn('good'),
        RotationRules: { ScheduleExpression: 'rate(10 days)' },
        RotateImmediately: false,
      }),
    );
    const events = eventsOf('good', token);
    assert.deepEqual(
      events.map((e) => e.event.Step),
      ['testSecret'],
    );
    assert.equal(events[0].observed.pendingHasValue, true);
    assert.deepEqual(events[0].observed.tokenStages, ['AWSPENDING']);
    const d = await describeSecret(name);
    assert.equal(d.RotationEnabled, true);
    assert.deepEqual(d.RotationRules, { ScheduleExpression: 'rate(10 days)' });
    assert.equal(d.LastRotatedDate, undefined);
    assert.deepEqual(d.VersionIdsToStages, { [v0]: ['AWSCURRENT'] });
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    assert.deepEqual(
      versions.Versions?.map((v) => v.VersionId),
      [v0],
      'the temporary version is removed',
    );
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'keep-me');
  });

  test('a cron schedule is accepted and gives a NextRotationDate on the schedule', async () => {
    const { name } = await newSecret();
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: fnArn('good'),
        RotationRules: { ScheduleExpression: 'cron(0 16 1,15 * ? *)', Duration: '2h' },
        RotateImmediately: false,
      }),
    );
    const next = (await describeSecret(name)).NextRotationDate!;
    assert.equal(next.getUTCHours(), 16);
    assert.equal(next.getUTCMinutes(), 0);
    assert.ok([1, 15].includes(next.getUTCDate()));
  });
});

describe('RotateSecret validation and errors', () => {
  const rejects = (p: Promise<unknown>, name: string, message?: string | RegExp) =>
    assert.rejects(p, (e: Error) => {
      assert.equal(e.name, name);
      if (typeof message === 'string') assert.equal(e.message, message);
      else if (message) assert.match(e.message, message);
      return true;
    });

  test('no function ARN configured → InvalidRequestException', async () => {
    const { name } = await newSecret();
    await rejects(
      sm.send(new RotateSecretCommand({ SecretId: name })),
      'InvalidRequestException',
      'No Lambda rotation function ARN is associated with this secret.',
    );
  });

  test('a function it cannot invoke → AccessDeniedException and the secret is left unchanged', async () => {
    const { name, v0 } = await newSecret();
    const before = await describeSecret(name);
    await rejects(
      sm.send(
        new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fnArn('nobody'), RotationRules: { AutomaticallyAfterDays: 7 } }),
      ),
      'AccessDeniedException',
      'Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.',
    );
    const d = await describeSecret(name);
    assert.equal(d.RotationEnabled, undefined);
    assert.equal(d.RotationLambdaARN, undefined);
    assert.equal(d.RotationRules, undefined);
    assert.deepEqual(d.VersionIdsToStages, { [v0]: ['AWSCURRENT'] });
    assert.deepEqual(d.LastChangedDate, before.LastChangedDate);
  });

  test('rules: one of AutomaticallyAfterDays/ScheduleExpression, days 1-1000, rate at least 4 hours, Duration pattern', async () => {
    const { name } = await newSecret();
    const rotate = (RotationRules: Record<string, unknown>) =>
      sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fnArn('good'), RotationRules, RotateImmediately: false }));
    await rejects(
      rotate({ AutomaticallyAfterDays: 0 }),
      'InvalidParameterException',
      'RotationRules.AutomaticallyAfterDays must be within 1-1000.',
    );
    await rejects(
      rotate({ AutomaticallyAfterDays: 1001 }),
      'InvalidParameterException',
      'RotationRules.AutomaticallyAfterDays must be within 1-1000.',
    );
    await rejects(rotate({ AutomaticallyAfterDays: 1, ScheduleExpression: 'rate(4 hours)' }), 'InvalidParameterException');
    await rejects(rotate({ ScheduleExpression: 'rate(2 hours)' }), 'InvalidParameterException', /4 hours/);
    await rejects(rotate({ ScheduleExpression: 'every day' }), 'InvalidParameterException');
    await rejects(rotate({ ScheduleExpression: 'cron(0 16 * * * *)' }), 'InvalidParameterException');
    await rejects(rotate({ ScheduleExpression: 'rate(4 hours)', Duration: '3x' }), 'ValidationException', /duration/);
    await rejects(rotate({ ScheduleExpression: 'rate(4 hours)', Duration: '5h' }), 'InvalidParameterException');
    await rejects(rotate({ ScheduleExpression: 'rate(4 hours)!' }), 'ValidationException', /scheduleExpression/);
    // Nothing was recorded by the failed calls.
    assert.equal((await describeSecret(name)).RotationEnabled, undefined);
  });

  test('unknown and deleted secrets; missing ClientRequestToken on the wire', async () => {
    await rejects(
      sm.send(new RotateSecretCommand({ SecretId: 'no/such/secret', RotationLambdaARN: fnArn('good') })),
      'ResourceNotFoundException',
    );
    const { name } = await newSecret();
    await sm.send(new DeleteSecretCommand({ SecretId: name }));
    await rejects(
      sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fnArn('good') })),
      'InvalidRequestException',
      "You can't perform this operation on the secret because it was marked for deletion.",
    );
    const raw = await rawCall(serve.url, 'RotateSecret', JSON.stringify({ SecretId: name, RotationLambdaARN: fnArn('good') }));
    assert.equal(raw.status, 400);
    assert.equal(raw.body.__type, 'InvalidRequestException');
    assert.equal(raw.body.Message, 'You must provide a ClientRequestToken value. We recommend a UUID-type value.');
  });
});

describe('a rotation function that fails', () => {
  for (const step of STEPS) {
    test(`failing in ${step} leaves AWSPENDING and AWSCURRENT as AWS does; the next rotation works`, async () => {
      const { name, v0 } = await newSecret('old');
      const token = randomUUID();
      // As on AWS, RotateSecret itself is accepted; the failure is a RotationFailed event.
      const out = await sm.send(
        new RotateSecretCommand({ SecretId: name, ClientRequestToken: token, RotationLambdaARN: fnArn(`fail-${step}`) }),
      );
      assert.equal(out.VersionId, token);
      assert.deepEqual(
        eventsOf(`fail-${step}`, token).map((e) => e.event.Step),
        STEPS.slice(0, STEPS.indexOf(step) + 1),
        'no step runs after the failing one',
      );
      const d = await describeSecret(name);
      assert.deepEqual(d.VersionIdsToStages, { [v0]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });
      assert.equal(d.LastRotatedDate, undefined);
      assert.equal(d.RotationEnabled, true);
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'old');
      const pending = sm.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' }));
      if (step === 'createSecret') await assert.rejects(pending, { name: 'ResourceNotFoundException' });
      else assert.equal((await pending).SecretString, `rotated-${token}`);

      // A new rotation is refused while that one is pending.
      await assert.rejects(sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: fnArn('good') })), {
        name: 'InvalidRequestException',
        message: "A previous rotation isn't complete. That rotation will be reattempted.",
      });
      assert.equal((await sm.send(new CancelRotateSecretCommand({ SecretId: name }))).VersionId, token);

      if (step === 'setSecret') {
        // Clearing AWSPENDING by hand (as AWS's docs say) lets a fresh rotation start.
        await sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSPENDING', RemoveFromVersionId: token }));
        const fresh = randomUUID();
        await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: fresh, RotationLambdaARN: fnArn('good') }));
        assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `rotated-${fresh}`);
        assert.deepEqual((await describeSecret(name)).VersionIdsToStages, { [v0]: ['AWSPREVIOUS'], [fresh]: ['AWSCURRENT'] });
      } else {
        // Retrying with the pending token (AWS reattempts it) completes that rotation.
        await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: token, RotationLambdaARN: fnArn('good') }));
        assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `rotated-${token}`);
        const after = await describeSecret(name);
        assert.deepEqual(after.VersionIdsToStages, { [v0]: ['AWSPREVIOUS'], [token]: ['AWSCURRENT'] });
        assert.ok(after.LastRotatedDate instanceof Date);
        assert.equal(after.RotationEnabled, true);
      }
    });
  }

  test('an HTTP function receives the event as JSON; a 500 or a finishSecret that moves nothing leaves the rotation pending', async () => {
    const { name, arn, v0 } = await newSecret();
    httpStatus = 500;
    const token = randomUUID();
    httpEvents.length = 0;
    await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: token, RotationLambdaARN: 'http-fn' }));
    assert.equal(httpEvents.length, 1);
    assert.deepEqual(Object.keys(httpEvents[0] as object).sort(), ['ClientRequestToken', 'RotationToken', 'SecretId', 'Step']);
    assert.deepEqual(
      { ...(httpEvents[0] as object), RotationToken: undefined },
      { Step: 'createSecret', SecretId: arn, ClientRequestToken: token, RotationToken: undefined },
    );
    assert.deepEqual((await describeSecret(name)).VersionIdsToStages, { [v0]: ['AWSCURRENT'], [token]: ['AWSPENDING'] });

    httpStatus = 200;
    httpEvents.length = 0;
    await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: token, RotationLambdaARN: 'http-fn' }));
    assert.deepEqual(
      httpEvents.map((e) => (e as { Step: string }).Step),
      [...STEPS],
    );
    const d = await describeSecret(name);
    assert.deepEqual(d.VersionIdsToStages, { [v0]: ['AWSCURRENT'], [token]: ['AWSPENDING'] }, 'finishSecret did not move AWSCURRENT');
    assert.equal(d.LastRotatedDate, undefined);
  });
});

describe('a value written during rotation', () => {
  test('abandons the rotation: AWSPENDING is removed, no further step runs, the written value stays current', async () => {
    const { name, v0 } = await newSecret('old');
    const token = randomUUID();
    await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: token, RotationLambdaARN: 'writes-by-hand' }));
    assert.deepEqual(
      eventsOf('writes-by-hand', token).map((e) => e.event.Step),
      ['createSecret', 'setSecret'],
    );
    const d = await describeSecret(name);
    assert.equal(d.LastRotatedDate, undefined);
    assert.equal(d.VersionIdsToStages?.[token], undefined, 'the abandoned version carries no label');
    assert.deepEqual(d.VersionIdsToStages?.[v0], ['AWSPREVIOUS']);
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, 'written by hand');
    // Nothing pending: the next rotation may start.
    const next = randomUUID();
    await sm.send(new RotateSecretCommand({ SecretId: name, ClientRequestToken: next, RotationLambdaARN: fnArn('good') }));
    assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString, `rotated-${next}`);
  });
});

describe('CancelRotateSecret', () => {
  test('turns rotation off and keeps the rules and function, which Describe still shows', async () => {
    const { name, arn } = await newSecret();
    await sm.send(
      new RotateSecretCommand({
        SecretId: name,
        RotationLambdaARN: fnArn('good'),
        RotationRules: { AutomaticallyAfterDays: 5 },
        RotateImmediately: false,
      }),
    );
    const out = await sm.send(new CancelRotateSecretCommand({ SecretId: name }));
    assert.equal(out.ARN, arn);
    assert.equal(out.Name, name);
    assert.equal(out.VersionId, undefined);
    const d = await describeSecret(name);
    assert.equal(d.RotationEnabled, false);
    assert.equal(d.RotationLambdaARN, fnArn('good'));
    assert.deepEqual(d.RotationRules, { AutomaticallyAfterDays: 5 });
    assert.equal(d.NextRotationDate, undefined);
  });

  test('on a secret whose rotation was never configured → InvalidRequestException; unknown secret → ResourceNotFoundException', async () => {
    const { name } = await newSecret();
    await assert.rejects(sm.send(new CancelRotateSecretCommand({ SecretId: name })), { name: 'InvalidRequestException' });
    await assert.rejects(sm.send(new CancelRotateSecretCommand({ SecretId: 'no/such' })), { name: 'ResourceNotFoundException' });
  });
});
