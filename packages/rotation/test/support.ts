/** Shared by the rotation tests: parasol serve with the PostgreSQL rotation functions, and secret helpers. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PostgresServer } from '../../../test-support/postgres.ts';
import { type ServeProcess, startServe, TEST_CLIENT_CONFIG } from '../../../test-support/processes.ts';

export const SINGLE_USER_FN = 'arn:aws:lambda:us-east-1:123456789012:function:pg-single-user';
export const ALTERNATING_FN = 'arn:aws:lambda:us-east-1:123456789012:function:pg-alternating-users';

export async function startServeWithRotators(extra: Record<string, unknown> = {}, args: string[] = []): Promise<ServeProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'parasol-rotators-'));
  const map = {
    [SINGLE_USER_FN]: join(import.meta.dirname, 'fixtures/pg-single-user.ts'),
    [ALTERNATING_FN]: join(import.meta.dirname, 'fixtures/pg-alternating-users.ts'),
    ...extra,
  };
  writeFileSync(join(dir, 'functions.json'), JSON.stringify(map));
  return startServe(['--functions', join(dir, 'functions.json'), ...args]);
}

export const smClient = (url: string) => new SecretsManagerClient({ ...TEST_CLIENT_CONFIG(url), maxAttempts: 1 });

export interface DbSecret {
  engine: string;
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
  masterarn?: string;
  [key: string]: unknown;
}

export const dbSecret = (pg: PostgresServer, username: string, password: string, extra: Record<string, unknown> = {}): DbSecret => ({
  engine: 'postgres',
  host: pg.host,
  port: pg.port,
  username,
  password,
  dbname: pg.database,
  ...extra,
});

export async function createJsonSecret(sm: SecretsManagerClient, name: string, value: object) {
  const out = await sm.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
  return { arn: out.ARN!, versionId: out.VersionId! };
}

export async function secretJson(sm: SecretsManagerClient, id: string, stage = 'AWSCURRENT'): Promise<DbSecret> {
  const out = await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: stage }));
  return JSON.parse(out.SecretString!) as DbSecret;
}

export async function stages(sm: SecretsManagerClient, id: string): Promise<Record<string, string[]>> {
  return (await sm.send(new DescribeSecretCommand({ SecretId: id }))).VersionIdsToStages ?? {};
}
