import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.ts';

/** `/aws/reference/secretsmanager/...` through GetParameter(s), reading the Secrets Manager store of the same service. */
describe('Parameter Store references to Secrets Manager (SDK v3, parasol serve)', () => {
  let serve: ServeProcess;
  let ssm: SSMClient;
  let sm: SecretsManagerClient;
  let arn: string;
  let v1: string;
  let v2: string;
  before(async () => {
    serve = await startServe();
    ssm = new SSMClient(TEST_CLIENT_CONFIG(serve.url));
    sm = new SecretsManagerClient(TEST_CLIENT_CONFIG(serve.url));
    const created = await sm.send(new CreateSecretCommand({ Name: 'app/db', SecretString: '{"password":"first"}' }));
    arn = created.ARN!;
    v1 = created.VersionId!;
    v2 = (await sm.send(new PutSecretValueCommand({ SecretId: 'app/db', SecretString: '{"password":"second"}' }))).VersionId!;
  });
  after(async () => {
    ssm?.destroy();
    sm?.destroy();
    await serve?.stop();
  });

  const get = (Name: string, WithDecryption = true) => ssm.send(new GetParameterCommand({ Name, WithDecryption }));

  it('returns the current secret in the documented Parameter shape', async () => {
    const { Parameter } = await get('/aws/reference/secretsmanager/app/db');
    assert.equal(Parameter?.Name, '/aws/reference/secretsmanager/app/db');
    assert.equal(Parameter?.Type, 'SecureString');
    assert.equal(Parameter?.Value, '{"password":"second"}');
    assert.equal(Parameter?.Version, 0);
    assert.equal(Parameter?.ARN, arn);
    assert.equal(Parameter?.Selector, undefined);
    assert.ok(Parameter?.LastModifiedDate instanceof Date);
    assert.equal(typeof Parameter?.SourceResult, 'string');
    const source = JSON.parse(Parameter!.SourceResult!);
    assert.equal(source.ARN, arn);
    assert.equal(source.Name, 'app/db');
    assert.equal(source.VersionId, v2);
    assert.equal(source.SecretString, '{"password":"second"}');
    assert.deepEqual(source.VersionStages, ['AWSCURRENT']);
    assert.equal(typeof source.CreatedDate, 'number');
  });

  it('selects a version by stage or VersionId, echoing the Selector', async () => {
    const previous = await get('/aws/reference/secretsmanager/app/db:AWSPREVIOUS');
    assert.equal(previous.Parameter?.Value, '{"password":"first"}');
    assert.equal(previous.Parameter?.Selector, ':AWSPREVIOUS');
    assert.equal(previous.Parameter?.Name, '/aws/reference/secretsmanager/app/db');
    const byId = await get(`/aws/reference/secretsmanager/app/db:${v1}`);
    assert.equal(byId.Parameter?.Value, '{"password":"first"}');
    assert.equal(byId.Parameter?.Selector, `:${v1}`);
    const byArn = await get(`/aws/reference/secretsmanager/${arn}`);
    assert.equal(byArn.Parameter?.Value, '{"password":"second"}');
  });

  it('requires WithDecryption, even for a secret that does not exist', async () => {
    for (const name of ['/aws/reference/secretsmanager/app/db', '/aws/reference/secretsmanager/none']) {
      await assert.rejects(get(name, false), (e: Error) => {
        assert.equal(e.name, 'ValidationException');
        assert.equal(e.message, 'WithDecryption flag must be True for retrieving a Secret Manager secret.');
        return true;
      });
    }
  });

  it('maps a missing secret or stage to ParameterNotFound', async () => {
    await assert.rejects(get('/aws/reference/secretsmanager/none'), {
      name: 'ParameterNotFound',
      message:
        'An error occurred (ParameterNotFound) when referencing Secrets Manager: Secret /aws/reference/secretsmanager/none not found.',
    });
    await assert.rejects(get('/aws/reference/secretsmanager/app/db:NOSUCHSTAGE'), { name: 'ParameterNotFound' });
  });

  it('mixes references and parameters in GetParameters, listing missing secrets as invalid', async () => {
    const res = await ssm.send(
      new GetParametersCommand({
        Names: ['/aws/reference/secretsmanager/app/db', '/aws/reference/secretsmanager/none', '/not/there'],
        WithDecryption: true,
      }),
    );
    assert.deepEqual(
      res.Parameters?.map((p) => [p.Name, p.Value]),
      [['/aws/reference/secretsmanager/app/db', '{"password":"second"}']],
    );
    assert.deepEqual(res.InvalidParameters, ['/aws/reference/secretsmanager/none', '/not/there']);
    await assert.rejects(ssm.send(new GetParametersCommand({ Names: ['/aws/reference/secretsmanager/app/db'] })), {
      name: 'ValidationException',
    });
  });
});
