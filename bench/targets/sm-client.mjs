// Load target for bench/suites/local-secretsmanager.mjs, loaded by the load
// worker in its own process: a SigV4-signing SDK v3 Secrets Manager client over
// a keep-alive agent; once() sends one GetSecretValue or PutSecretValue.
import http from 'node:http';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const READ_SECRET = 'bench/read';
/** PutSecretValue spreads over many secrets: each secret may hold at most 100 versions younger than 24 h. */
export const WRITE_SECRETS = 500;
export const writeSecretName = (i) => `bench/write-${i}`;
export const SECRET_VALUE = JSON.stringify({ username: 'app', password: 'x'.repeat(48), host: 'db.internal', port: 5432 });

export function setup({ url, op, concurrency = 16 }) {
  const client = new SecretsManagerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: concurrency }) },
  });
  if (op === 'GetSecretValue') {
    const command = new GetSecretValueCommand({ SecretId: READ_SECRET });
    return () => client.send(command);
  }
  let n = 0;
  return () => {
    const i = n++;
    return client.send(new PutSecretValueCommand({ SecretId: writeSecretName(i % WRITE_SECRETS), SecretString: `${SECRET_VALUE}-${i}` }));
  };
}
