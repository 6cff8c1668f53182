/**
 * Through rotations, with the extension in front of parasol serve: a reader
 * that fetches the current secret through the extension and logs in to
 * PostgreSQL in a loop never fails with alternating users; AWSPREVIOUS,
 * refreshNow and the TTL behave as the extension documents.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { type ExtensionProcess, startExtension, upstreamCalls } from '../../../test-support/extension.ts';
import { type PostgresServer, startPostgres, superuserClient, uniqueName } from '../../../test-support/postgres.ts';
import type { ServeProcess } from '../../../test-support/processes.ts';
import { ALTERNATING_FN, createJsonSecret, type DbSecret, dbSecret, smClient, startServeWithRotators } from './support.ts';

const TTL_SECONDS = 2;
let pgServer: PostgresServer;
let serve: ServeProcess;
let ext: ExtensionProcess;
let sm: SecretsManagerClient;

before(async () => {
  pgServer = await startPostgres();
  serve = await startServeWithRotators();
  sm = smClient(serve.url);
  ext = await startExtension({ upstreamUrl: serve.url, env: { SECRETS_MANAGER_TTL: String(TTL_SECONDS) } });
});

after(async () => {
  await ext?.stop();
  await serve?.stop();
});

test('alternating users through two rotations: the reader never fails; AWSPREVIOUS, refreshNow and TTL expiry', async () => {
  const su = await superuserClient(pgServer);
  const master = uniqueName('ext_master');
  const app = uniqueName('ext_app');
  await su.query(`CREATE ROLE ${su.escapeIdentifier(master)} WITH LOGIN CREATEROLE PASSWORD 'master-password-1'`);
  await su.query(`CREATE ROLE ${su.escapeIdentifier(app)} WITH LOGIN PASSWORD 'app-password-1'`);
  await su.end();
  const { arn: masterArn } = await createJsonSecret(sm, `ext/master/${randomUUID()}`, dbSecret(pgServer, master, 'master-password-1'));
  const name = `ext/app/${randomUUID()}`;
  await createJsonSecret(sm, name, dbSecret(pgServer, app, 'app-password-1', { masterarn: masterArn }));

  const get = async (query = ''): Promise<DbSecret> => {
    const res = await fetch(`${ext.url}/secretsmanager/get?secretId=${encodeURIComponent(name)}${query}`, { headers: ext.headers });
    assert.equal(res.status, 200);
    return JSON.parse(((await res.json()) as { SecretString: string }).SecretString) as DbSecret;
  };
  const rotate = () =>
    sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: ALTERNATING_FN, ClientRequestToken: randomUUID() }));

  // The reader: fetch through the extension, log in, run a query, disconnect — in a loop.
  let reading = true;
  let attempts = 0;
  const failures: string[] = [];
  const seen = new Set<string>();
  const reader = (async () => {
    while (reading) {
      attempts++;
      const secret = await get();
      seen.add(secret.username);
      const client = new pg.Client({
        host: secret.host,
        port: secret.port,
        user: secret.username,
        password: secret.password,
        database: secret.dbname,
      });
      try {
        await client.connect();
        await client.query('SELECT 1');
      } catch (e) {
        failures.push(`${secret.username}: ${(e as Error).message}`);
      } finally {
        await client.end().catch(() => {});
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  const initial = await get();
  assert.equal(initial.username, app);

  await rotate();
  // No refreshNow: the cached entry moves to the new value once its TTL has passed.
  let current = await get();
  for (let i = 0; i < 300 && current.username === app; i++) {
    await new Promise((r) => setTimeout(r, 100));
    current = await get();
  }
  assert.equal(current.username, `${app}_clone`, 'the cached entry moved to the rotated value after the TTL');
  const previous = await get('&versionStage=AWSPREVIOUS');
  assert.deepEqual(previous, initial, 'versionStage=AWSPREVIOUS returns the old value');

  await rotate();
  const refreshed = await get('&refreshNow=true');
  assert.equal(refreshed.username, app, 'refreshNow=true returns the new value at once');
  assert.notEqual(refreshed.password, initial.password);
  // Let the reader run on the refreshed value for a moment.
  const until = attempts + 5;
  while (attempts < until) await new Promise((r) => setTimeout(r, 20));

  reading = false;
  await reader;
  assert.deepEqual(failures, [], 'the reader never failed to log in');
  assert.deepEqual([...seen].sort(), [app, `${app}_clone`].sort(), 'the reader went through both users');
  assert.ok(attempts > 10);
  assert.ok((await upstreamCalls(ext, 'GetSecretValue')) < attempts, 'the reader was served from the cache');
});
