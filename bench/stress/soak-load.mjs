// The soak's load, as a runLoad() module target (it runs in the load process).
//   setup({ kind: 'serve', endpoint })  a mix of reads and writes on parasol serve:
//     GetSecretValue, GetParameter(s), PutParameter --overwrite on a bounded pool,
//     CreateSecret + DeleteSecret (force) churn, ListSecrets, GetParametersByPath
//   setup({ kind: 'extension', url, headers, secrets, parameters })  GETs through the
//     extension over more keys than its cache holds (evictions), with a short TTL
//     (misses), plus names that do not exist (errors, never cached)
// Each call of the returned function makes one request; an unexpected answer throws.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export function setup(options) {
  return options.kind === 'serve' ? serveLoad(options) : extensionLoad(options);
}

function serveLoad({ endpoint }) {
  const config = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
  const sm = new SecretsManagerClient(config);
  const ssm = new SSMClient(config);
  let i = 0;
  const pick = (n) => Math.floor(Math.random() * n);
  return async () => {
    const step = i++ % 10;
    if (step < 4) await sm.send(new GetSecretValueCommand({ SecretId: `soak/secret-${pick(50)}` }));
    else if (step < 6) await ssm.send(new GetParameterCommand({ Name: `/soak/param-${pick(50)}`, WithDecryption: true }));
    else if (step === 6)
      await ssm.send(
        new PutParameterCommand({ Name: `/soak/param-${pick(50)}`, Value: randomUUID(), Type: 'SecureString', Overwrite: true }),
      );
    else if (step === 7) {
      const name = `soak/churn/${randomUUID()}`;
      await sm.send(new CreateSecretCommand({ Name: name, SecretString: randomUUID().repeat(20) }));
      await sm.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    } else if (step === 8) await sm.send(new ListSecretsCommand({ MaxResults: 20 }));
    else await ssm.send(new GetParametersByPathCommand({ Path: '/soak', MaxResults: 10 }));
  };
}

function extensionLoad({ url, headers, secrets, parameters }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const get = (path, expected) =>
    new Promise((resolve, reject) => {
      const req = http.get(`${url}${path}`, { headers, agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === expected ? resolve() : reject(new Error(`HTTP ${res.statusCode} for ${path}`))));
      });
      req.on('error', reject);
    });
  let i = 0;
  const pick = (n) => Math.floor(Math.random() * n);
  return () => {
    const step = i++ % 20;
    if (step < 12) return get(`/secretsmanager/get?secretId=${encodeURIComponent(`soak/ext-${pick(secrets)}`)}`, 200);
    if (step < 18) return get(`/systemsmanager/parameters/get?name=${encodeURIComponent(`/soak/ext-${pick(parameters)}`)}`, 200);
    if (step === 18) return get(`/secretsmanager/get?secretId=missing-${pick(1000)}`, 400);
    return get('/secretsmanager/get?secretId=soak%2Fext-0&refreshNow=true', 200);
  };
}
