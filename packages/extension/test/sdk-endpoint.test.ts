// The SDK-shaped endpoint (POST /, AWS JSON 1.1) end to end: `parasol serve`
// and `parasol extension` as real processes; the AWS SDK v3 and the aws CLI
// pointed at the extension with AWS_ENDPOINT_URL_SECRETS_MANAGER /
// AWS_ENDPOINT_URL_SSM, signing with the function's credentials (the
// extension's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), answers compared
// byte for byte with the upstream's own.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { readBody } from '../../../test-support/bodies.ts';
import { type ExtensionProcess, startExtension, upstreamCalls } from '../../../test-support/extension.js';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.js';

let serve: ServeProcess;
let ext: ExtensionProcess;
let upstreamSm: SecretsManagerClient;
const savedEnv = { ...process.env };

/** One AWS JSON 1.1 POST, signed with `secret` (the function's is `test`), or unsigned with `extra` headers. */
async function post(
  base: string,
  target: string,
  input: object,
  opts: { secret?: string; signingService?: string; unsigned?: boolean; extra?: Record<string, string>; path?: string } = {},
) {
  const body = JSON.stringify(input);
  const url = new URL(opts.path ?? '/', base);
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': target,
    ...opts.extra,
  };
  if (!opts.unsigned) {
    const service = opts.signingService ?? (target.startsWith('AmazonSSM') ? 'ssm' : 'secretsmanager');
    const signer = new SignatureV4({
      service,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: opts.secret ?? 'test' },
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers,
      body,
    });
    headers = signed.headers as Record<string, string>;
  }
  const { host: _host, ...sendable } = headers;
  const res = await fetch(url, { method: 'POST', headers: sendable, body });
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype'),
    cache: res.headers.get('x-parasol-cache'),
    text: await res.text(),
  };
}
/**
 * The same members and values, compared with keys sorted: the extension writes members in AWS's documented
 * order (alphabetical, as in the GetSecretValue examples of the API reference), parasol serve in its own.
 */
const canonical = (text: string) => {
  const o = JSON.parse(text);
  return JSON.stringify(o, Object.keys(o).sort());
};

before(async () => {
  serve = await startServe();
  ext = await startExtension({
    upstreamUrl: serve.url,
    env: { PARASOL_SDK_ACCESS_KEY_ID: 'AKIDEXTENSIONKEY', PARASOL_SDK_SECRET_ACCESS_KEY: 'extension-secret' },
  });
  upstreamSm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
  const ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
  await upstreamSm.send(new CreateSecretCommand({ Name: 'sdk/one', SecretString: 'first-value' }));
  await upstreamSm.send(new CreateSecretCommand({ Name: 'sdk/two', SecretString: '{"k":"v"}' }));
  await upstreamSm.send(new CreateSecretCommand({ Name: 'sdk/bin', SecretBinary: Buffer.from([0, 1, 2, 255]) }));
  await ssm.send(new PutParameterCommand({ Name: '/sdk/p', Value: 'pv', Type: 'String' }));
  await ssm.send(new PutParameterCommand({ Name: '/sdk/s', Value: 'secure-pv', Type: 'SecureString' }));
  ssm.destroy();
});

after(async () => {
  process.env = savedEnv;
  upstreamSm?.destroy();
  await ext?.stop();
  await serve?.stop();
});

describe('byte for byte the upstream answers, from the cache', () => {
  test('GetSecretValue (string and binary): the same JSON as the service; the second call is a hit', async () => {
    for (const id of ['sdk/one', 'sdk/bin']) {
      const direct = await post(serve.url, 'secretsmanager.GetSecretValue', { SecretId: id });
      const before = await upstreamCalls(ext, 'GetSecretValue');
      const first = await post(ext.url, 'secretsmanager.GetSecretValue', { SecretId: id });
      assert.equal(first.status, 200);
      assert.equal(canonical(first.text), canonical(direct.text), id);
      const second = await post(ext.url, 'secretsmanager.GetSecretValue', { SecretId: id });
      assert.equal(second.cache, 'hit');
      assert.equal(second.text, first.text);
      assert.equal((await upstreamCalls(ext, 'GetSecretValue')) - before, 1);
    }
  });

  test("errors are the service's own: status, body and X-Amzn-ErrorType", async () => {
    for (const [target, input] of [
      ['secretsmanager.GetSecretValue', { SecretId: 'sdk/missing' }],
      ['secretsmanager.GetSecretValue', { SecretId: 'sdk/one', VersionStage: 'NOPE' }],
      ['secretsmanager.GetSecretValue', { SecretId: 5 }], // not the cache's to judge: forwarded, the service's error replayed
      ['AmazonSSM.GetParameter', { Name: '/sdk/missing' }],
    ] as const) {
      const direct = await post(serve.url, target, input);
      const via = await post(ext.url, target, input);
      assert.equal(via.status, direct.status, JSON.stringify(input));
      assert.equal(via.text, direct.text, JSON.stringify(input));
      assert.equal(via.errorType, JSON.parse(direct.text).__type);
    }
  });

  test("BatchGetSecretValue by ids, DescribeSecret, GetParameter, GetParameters: the service's shapes", async () => {
    const cases: Array<[string, object]> = [
      ['secretsmanager.BatchGetSecretValue', { SecretIdList: ['sdk/one', 'sdk/two', 'sdk/missing'] }],
      ['secretsmanager.DescribeSecret', { SecretId: 'sdk/two' }],
      ['AmazonSSM.GetParameter', { Name: '/sdk/p' }],
      ['AmazonSSM.GetParameter', { Name: '/sdk/s', WithDecryption: true }],
      ['AmazonSSM.GetParameters', { Names: ['/sdk/p', '/sdk/s', '/sdk/none'], WithDecryption: true }],
    ];
    for (const [target, input] of cases) {
      const direct = await post(serve.url, target, input);
      const via = await post(ext.url, target, input);
      assert.equal(via.status, 200, `${target} ${via.text}`);
      const sorted = (t: string) => {
        const o = JSON.parse(t);
        for (const list of [o.SecretValues, o.Errors, o.Parameters])
          list?.sort((a: any, b: any) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
        delete o.LastAccessedDate; // DescribeSecret: the upstream moves it on every read
        return JSON.stringify(o, Object.keys(o).sort());
      };
      assert.equal(sorted(via.text), sorted(direct.text), target);
    }
  });

  test('another operation: UnknownOperationException naming the served ones', async () => {
    const r = await post(ext.url, 'secretsmanager.ListSecrets', {});
    assert.equal(r.status, 400);
    assert.equal(r.errorType, 'UnknownOperationException');
    assert.deepEqual(JSON.parse(r.text), {
      __type: 'UnknownOperationException',
      message:
        'operation secretsmanager.ListSecrets is not served by the extension; it serves secretsmanager.GetSecretValue, secretsmanager.BatchGetSecretValue, secretsmanager.DescribeSecret, AmazonSSM.GetParameter, AmazonSSM.GetParameters',
    });
    const wrongPath = await post(ext.url, 'AmazonSSM.GetParameter', { Name: '/sdk/p' }, { path: '/secretsmanager' });
    assert.equal(wrongPath.status, 400);
    assert.equal(JSON.parse(wrongPath.text).message, 'AmazonSSM.GetParameter is not served on /secretsmanager');
    assert.equal((await post(ext.url, 'AmazonSSM.GetParameter', { Name: '/sdk/p' }, { path: '/parameterstore' })).status, 200);
  });
});

describe('who may call', () => {
  test("signed with the function's credentials or the extension key → 200; the token header → 200", async () => {
    assert.equal((await post(ext.url, 'secretsmanager.GetSecretValue', { SecretId: 'sdk/one' })).status, 200);
    const byToken = await post(ext.url, 'secretsmanager.GetSecretValue', { SecretId: 'sdk/one' }, { unsigned: true, extra: ext.headers });
    assert.equal(byToken.status, 200);
    const key = new SecretsManagerClient({
      endpoint: ext.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXTENSIONKEY', secretAccessKey: 'extension-secret' },
    });
    assert.equal((await key.send(new GetSecretValueCommand({ SecretId: 'sdk/one' }))).SecretString, 'first-value');
    key.destroy();
  });

  test('refused: wrong secret key, unknown key, unsigned without token, wrong token, signed for another service', async () => {
    const wrong = await post(ext.url, 'secretsmanager.GetSecretValue', { SecretId: 'sdk/one' }, { secret: 'not-the-secret' });
    assert.equal(wrong.status, 403);
    assert.equal(JSON.parse(wrong.text).__type, 'InvalidSignatureException');
    assert.doesNotMatch(wrong.text, /first-value/);
    const unsigned = await post(ext.url, 'secretsmanager.GetSecretValue', { SecretId: 'sdk/one' }, { unsigned: true });
    assert.equal(unsigned.status, 401);
    assert.equal(JSON.parse(unsigned.text).__type, 'MissingAuthenticationTokenException');
    const badToken = await post(
      ext.url,
      'secretsmanager.GetSecretValue',
      { SecretId: 'sdk/one' },
      { unsigned: true, extra: { 'X-Aws-Parameters-Secrets-Token': 'nope' } },
    );
    assert.equal(badToken.status, 403);
    assert.equal(JSON.parse(badToken.text).__type, 'InvalidTokenException');
    const crossService = await post(ext.url, 'secretsmanager.GetSecretValue', { SecretId: 'sdk/one' }, { signingService: 'ssm' });
    assert.equal(crossService.status, 403);
    assert.equal(JSON.parse(crossService.text).message, "the credential scope names service 'ssm', not 'secretsmanager'");
    const stranger = new SecretsManagerClient({
      endpoint: ext.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDSTRANGER', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await assert.rejects(stranger.send(new GetSecretValueCommand({ SecretId: 'sdk/one' })), { name: 'UnrecognizedClientException' });
    stranger.destroy();
  });

  test('a signature dated beyond the skew (300 s by default) is refused; within it, accepted', async () => {
    const at = (msAgo: number) =>
      new SecretsManagerClient({
        endpoint: ext.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        maxAttempts: 1,
        systemClockOffset: -msAgo, // the SDK signs with its clock plus this offset
      });
    const recent = at(240_000);
    assert.equal((await recent.send(new GetSecretValueCommand({ SecretId: 'sdk/one' }))).SecretString, 'first-value');
    const stale = at(360_000);
    await assert.rejects(stale.send(new GetSecretValueCommand({ SecretId: 'sdk/one' })), (e: Error) => {
      assert.equal(e.name, 'InvalidSignatureException');
      assert.match(e.message, /^Signature expired: /);
      return true;
    });
    recent.destroy();
    stale.destroy();
  });

  test("the function's temporary credentials must come with their session token", async () => {
    const withSession = await startExtension({
      upstreamUrl: serve.url,
      env: { AWS_ACCESS_KEY_ID: 'ASIATEMP', AWS_SECRET_ACCESS_KEY: 'temp-secret', AWS_SESSION_TOKEN: 'session-1' },
    });
    try {
      const client = (sessionToken?: string) =>
        new SecretsManagerClient({
          endpoint: withSession.url,
          region: 'us-east-1',
          maxAttempts: 1,
          credentials: { accessKeyId: 'ASIATEMP', secretAccessKey: 'temp-secret', sessionToken },
        });
      const good = client('session-1');
      // The extension reaches the upstream with the same (here: unknown) keys, so a 200 is not possible; what matters is
      // that the caller got past authentication and the upstream's own refusal came back.
      await assert.rejects(good.send(new GetSecretValueCommand({ SecretId: 'sdk/one' })), {
        name: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      });
      assert.equal(await upstreamCalls(withSession, 'GetSecretValue'), 1, 'authenticated: the request went upstream');
      for (const token of [undefined, 'session-2']) {
        const bad = client(token);
        await assert.rejects(bad.send(new GetSecretValueCommand({ SecretId: 'sdk/one' })), { name: 'UnrecognizedClientException' });
        bad.destroy();
      }
      assert.equal(await upstreamCalls(withSession, 'GetSecretValue'), 1, 'refused before any upstream call');
      good.destroy();
    } finally {
      await withSession.stop();
    }
  });

  test('a body changed after signing is refused', async () => {
    const body = JSON.stringify({ SecretId: 'sdk/one' });
    const url = new URL(ext.url);
    const signer = new SignatureV4({
      service: 'secretsmanager',
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      body,
    });
    const { host: _h, ...headers } = signed.headers as Record<string, string>;
    const res = await fetch(`${ext.url}/`, { method: 'POST', headers, body: JSON.stringify({ SecretId: 'sdk/two' }) });
    assert.equal(res.status, 403);
    assert.equal((await readBody(res)).__type, 'InvalidSignatureException');
  });
});

describe('unmodified clients pointed at the extension', () => {
  test("SDK v3 with AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL_SSM and the function's credentials", async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: ext.url,
      AWS_ENDPOINT_URL_SSM: ext.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
    });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    const sm = new SecretsManagerClient({});
    const ssm = new SSMClient({});
    try {
      assert.equal((await sm.send(new GetSecretValueCommand({ SecretId: 'sdk/two' }))).SecretString, '{"k":"v"}');
      const batch = await sm.send(new BatchGetSecretValueCommand({ SecretIdList: ['sdk/one', 'sdk/two'] }));
      assert.deepEqual(batch.SecretValues?.map((v) => v.SecretString).sort(), ['first-value', '{"k":"v"}']);
      assert.equal((await sm.send(new DescribeSecretCommand({ SecretId: 'sdk/one' }))).Name, 'sdk/one');
      await assert.rejects(sm.send(new GetSecretValueCommand({ SecretId: 'sdk/missing' })), { name: 'ResourceNotFoundException' });
      await assert.rejects(sm.send(new ListSecretsCommand({})), { name: 'UnknownOperationException' });
      assert.equal((await ssm.send(new GetParameterCommand({ Name: '/sdk/s', WithDecryption: true }))).Parameter?.Value, 'secure-pv');
      const many = await ssm.send(new GetParametersCommand({ Names: ['/sdk/p', '/sdk/nope'] }));
      assert.deepEqual([many.Parameters?.map((p) => p.Value), many.InvalidParameters], [['pv'], ['/sdk/nope']]);
      await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/sdk/gone' })), { name: 'ParameterNotFound' });
      const wrong = new SecretsManagerClient({ credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' }, maxAttempts: 1 });
      await assert.rejects(wrong.send(new GetSecretValueCommand({ SecretId: 'sdk/one' })), { name: 'InvalidSignatureException' });
      wrong.destroy();
    } finally {
      sm.destroy();
      ssm.destroy();
    }
  });

  test('the aws CLI with AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL_SSM; wrongly signed → refused', () => {
    const version = spawnSync('aws', ['--version'], { encoding: 'utf8' });
    assert.equal(version.error, undefined, 'the aws CLI is not installed (CI installs awscli)');
    const env = (secret: string) => ({
      ...savedEnv,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: ext.url,
      AWS_ENDPOINT_URL_SSM: ext.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_MAX_ATTEMPTS: '1',
    });
    const aws = (args: string[], secret = 'test') => spawnSync('aws', args, { encoding: 'utf8', env: env(secret), timeout: 60_000 });
    const got = aws(['secretsmanager', 'get-secret-value', '--secret-id', 'sdk/one', '--output', 'json']);
    assert.equal(got.status, 0, got.stderr);
    assert.equal(JSON.parse(got.stdout).SecretString, 'first-value');
    const param = aws(['ssm', 'get-parameter', '--name', '/sdk/p', '--output', 'json']);
    assert.equal(param.status, 0, param.stderr);
    assert.equal(JSON.parse(param.stdout).Parameter.Value, 'pv');
    const refused = aws(['secretsmanager', 'get-secret-value', '--secret-id', 'sdk/one'], 'wrong');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /InvalidSignatureException/);
    assert.doesNotMatch(refused.stdout + refused.stderr, /first-value/);
  });
});
