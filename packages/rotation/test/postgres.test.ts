/**
 * The PostgreSQL rotators against a real PostgreSQL (scripts/postgres.sh), run
 * by parasol serve as rotation functions exactly as Secrets Manager runs them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { PutSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type pg from 'pg';
import { canLogin, type PostgresServer, startPostgres, superuserClient, uniqueName } from '../../../test-support/postgres.ts';
import type { ServeProcess } from '../../../test-support/processes.ts';
import {
  ALTERNATING_FN,
  createJsonSecret,
  dbSecret,
  SINGLE_USER_FN,
  secretJson,
  smClient,
  stages,
  startServeWithRotators,
} from './support.ts';

let pgServer: PostgresServer;
let su: pg.Client;
let serve: ServeProcess;
let sm: SecretsManagerClient;

before(async () => {
  pgServer = await startPostgres();
  su = await superuserClient(pgServer);
  serve = await startServeWithRotators();
  sm = smClient(serve.url);
});

after(async () => {
  await su?.end();
  await serve?.stop();
});

const createRole = async (name: string, password: string, attributes = '') =>
  su.query(`CREATE ROLE ${su.escapeIdentifier(name)} WITH LOGIN ${attributes} PASSWORD ${su.escapeLiteral(password)}`);

const rotate = (secretId: string, fn: string) =>
  sm.send(new RotateSecretCommand({ SecretId: secretId, RotationLambdaARN: fn, ClientRequestToken: randomUUID() }));

describe('single user (ALTER USER … WITH PASSWORD)', () => {
  test('after rotation the new password logs in, the old one does not, and AWSPREVIOUS holds the old one', async () => {
    // Upper case and a space in the name: the identifier must be quoted.
    const user = `App User ${uniqueName('su')}`;
    await createRole(user, 'initial-Password-1');
    const name = `pg/single/${randomUUID()}`;
    const initial = dbSecret(pgServer, user, 'initial-Password-1', { custom: 'kept' });
    const { versionId: v0 } = await createJsonSecret(sm, name, initial);

    const { VersionId: v1 } = await rotate(name, SINGLE_USER_FN);
    assert.deepEqual(await stages(sm, name), { [v0]: ['AWSPREVIOUS'], [v1!]: ['AWSCURRENT'] });
    const current = await secretJson(sm, name);
    assert.deepEqual({ ...current, password: '' }, { ...initial, password: '' }, 'only the password changes; extra keys survive');
    assert.equal(current.password.length, 32);
    assert.doesNotMatch(current.password, /[:/@"'\\]/, 'the templates exclude :/@"\'\\ by default');
    assert.equal(await canLogin(pgServer, user, current.password), true, 'new password logs in');
    assert.equal(await canLogin(pgServer, user, 'initial-Password-1'), false, 'old password no longer logs in');
    assert.equal((await secretJson(sm, name, 'AWSPREVIOUS')).password, 'initial-Password-1');

    // The password reached the server only as a SCRAM verifier.
    const stored = await su.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [user]);
    assert.match(stored.rows[0].rolpassword, /^SCRAM-SHA-256\$4096:/);

    // And again: the rotated secret is the starting point of the next rotation.
    const { VersionId: v2 } = await rotate(name, SINGLE_USER_FN);
    assert.deepEqual(await stages(sm, name), { [v1!]: ['AWSPREVIOUS'], [v2!]: ['AWSCURRENT'] });
    const second = await secretJson(sm, name);
    assert.notEqual(second.password, current.password);
    assert.equal(await canLogin(pgServer, user, second.password), true);
    assert.equal(await canLogin(pgServer, user, current.password), false);
  });

  test('a wrong password in AWSCURRENT (and no AWSPREVIOUS): setSecret fails, AWSPENDING stays, the database is unchanged', async () => {
    const user = uniqueName('su_wrong');
    await createRole(user, 'real-password-1');
    const name = `pg/single-wrong/${randomUUID()}`;
    const { versionId: v0 } = await createJsonSecret(sm, name, dbSecret(pgServer, user, 'not-the-password'));
    const { VersionId: token } = await rotate(name, SINGLE_USER_FN);
    assert.deepEqual(await stages(sm, name), { [v0]: ['AWSCURRENT'], [token!]: ['AWSPENDING'] });
    const pending = await secretJson(sm, name, 'AWSPENDING');
    assert.equal(await canLogin(pgServer, user, pending.password), false);
    assert.equal(await canLogin(pgServer, user, 'real-password-1'), true);
    await assert.rejects(rotate(name, SINGLE_USER_FN), { name: 'InvalidRequestException' });
    assert.match(serve.output(), /Unable to log into database with previous, current, or pending secret/);
    assert.doesNotMatch(serve.output(), new RegExp(pending.password.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no password in the logs');
  });

  test('a secret without engine fails in createSecret and leaves the pending version without a value', async () => {
    const name = `pg/no-engine/${randomUUID()}`;
    const { engine: _engine, ...withoutEngine } = dbSecret(pgServer, 'nobody', 'x');
    await createJsonSecret(sm, name, withoutEngine);
    const { VersionId: token } = await rotate(name, SINGLE_USER_FN);
    assert.deepEqual((await stages(sm, name))[token!], ['AWSPENDING']);
    await assert.rejects(secretJson(sm, name, 'AWSPENDING'), { name: 'ResourceNotFoundException' });
    assert.match(serve.output(), /engine key is missing/);
  });
});

describe('alternating users (app ↔ app_clone, created by the masterarn superuser)', () => {
  test('first rotation creates the clone as a member of the user; the second switches back with a new password', async () => {
    const master = uniqueName('master');
    const app = uniqueName('App');
    await createRole(master, 'master-password-1', 'CREATEROLE');
    await createRole(app, 'app-password-1');
    const { arn: masterArn } = await createJsonSecret(sm, `pg/master/${randomUUID()}`, dbSecret(pgServer, master, 'master-password-1'));
    const name = `pg/alternating/${randomUUID()}`;
    const { versionId: v0 } = await createJsonSecret(sm, name, dbSecret(pgServer, app, 'app-password-1', { masterarn: masterArn }));

    const { VersionId: v1 } = await rotate(name, ALTERNATING_FN);
    assert.deepEqual(await stages(sm, name), { [v0]: ['AWSPREVIOUS'], [v1!]: ['AWSCURRENT'] });
    const first = await secretJson(sm, name);
    assert.equal(first.username, `${app}_clone`);
    assert.equal(first.masterarn, masterArn, 'masterarn carries into the new version');
    assert.equal(await canLogin(pgServer, first.username, first.password), true, 'AWSCURRENT (the clone) logs in');
    assert.equal(await canLogin(pgServer, app, 'app-password-1'), true, 'AWSPREVIOUS (the original) still logs in');
    const membership = await su.query(
      `SELECT r.rolname AS role, m.rolname AS member FROM pg_auth_members a
       JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member WHERE m.rolname = $1`,
      [first.username],
    );
    assert.deepEqual(membership.rows, [{ role: app, member: first.username }]);

    const { VersionId: v2 } = await rotate(name, ALTERNATING_FN);
    assert.deepEqual(await stages(sm, name), { [v1!]: ['AWSPREVIOUS'], [v2!]: ['AWSCURRENT'] });
    const second = await secretJson(sm, name);
    assert.equal(second.username, app);
    assert.notEqual(second.password, 'app-password-1');
    assert.equal(await canLogin(pgServer, app, second.password), true);
    assert.equal(await canLogin(pgServer, app, 'app-password-1'), false, "the original's old password is gone");
    assert.equal(await canLogin(pgServer, first.username, first.password), true, 'the clone keeps working until the next rotation');
    const clones = await su.query(
      'SELECT count(*)::int AS n FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member WHERE m.rolname = $1',
      [first.username],
    );
    assert.equal(clones.rows[0].n, 1, 'no second membership grant');
  });

  test('a superuser secret on another host is refused and nothing changes in the database', async () => {
    const app = uniqueName('app_host');
    await createRole(app, 'app-password-1');
    const { arn: masterArn } = await createJsonSecret(sm, `pg/master-elsewhere/${randomUUID()}`, {
      ...dbSecret(pgServer, pgServer.user, pgServer.password),
      host: 'db.elsewhere.example',
    });
    const name = `pg/alternating-host/${randomUUID()}`;
    await createJsonSecret(sm, name, dbSecret(pgServer, app, 'app-password-1', { masterarn: masterArn }));
    const { VersionId: token } = await rotate(name, ALTERNATING_FN);
    assert.deepEqual((await stages(sm, name))[token!], ['AWSPENDING']);
    const exists = await su.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [`${app}_clone`]);
    assert.equal(exists.rowCount, 0);
    assert.match(serve.output(), /is not the host of the current secret/);
  });

  // The two guards of setSecret before the superuser acts: each test would create a role if its guard were gone.
  const roleExists = async (name: string) => (await su.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;

  test('a pending secret that is not the alternate user of the current one is refused (SecretMismatch); no role is created', async () => {
    const master = uniqueName('master_mm');
    const app = uniqueName('app_mm');
    const intruder = uniqueName('intruder');
    await createRole(master, 'master-password-1', 'CREATEROLE');
    await createRole(app, 'app-password-1');
    const { arn: masterArn } = await createJsonSecret(sm, `pg/master-mm/${randomUUID()}`, dbSecret(pgServer, master, 'master-password-1'));
    const name = `pg/alternating-mismatch/${randomUUID()}`;
    await createJsonSecret(sm, name, dbSecret(pgServer, app, 'app-password-1', { masterarn: masterArn }));
    // A pending value put there beforehand (createSecret keeps it) that names another user.
    const token = randomUUID();
    await sm.send(
      new PutSecretValueCommand({
        SecretId: name,
        ClientRequestToken: token,
        SecretString: JSON.stringify(dbSecret(pgServer, intruder, 'intruder-password-1', { masterarn: masterArn })),
        VersionStages: ['AWSPENDING'],
      }),
    );
    await sm.send(new RotateSecretCommand({ SecretId: name, RotationLambdaARN: ALTERNATING_FN, ClientRequestToken: token }));
    assert.deepEqual((await stages(sm, name))[token], ['AWSPENDING'], 'the rotation stopped before finishSecret');
    assert.match(serve.output(), /SecretMismatch.*The pending secret is not the alternate user of the current secret of/);
    assert.equal(await roleExists(intruder), false);
    assert.equal(await canLogin(pgServer, app, 'app-password-1'), true);
  });

  test('current credentials that do not log in stop setSecret before the superuser acts (LoginFailed); no clone is created', async () => {
    const master = uniqueName('master_lf');
    const app = uniqueName('app_lf');
    await createRole(master, 'master-password-1', 'CREATEROLE');
    await createRole(app, 'app-password-1');
    const { arn: masterArn } = await createJsonSecret(sm, `pg/master-lf/${randomUUID()}`, dbSecret(pgServer, master, 'master-password-1'));
    const name = `pg/alternating-login/${randomUUID()}`;
    await createJsonSecret(sm, name, dbSecret(pgServer, app, 'not-the-password', { masterarn: masterArn }));
    const { VersionId: token } = await rotate(name, ALTERNATING_FN);
    assert.deepEqual((await stages(sm, name))[token!], ['AWSPENDING']);
    assert.match(serve.output(), /LoginFailed.*Unable to log into database using current credentials for secret/);
    assert.equal(await roleExists(`${app}_clone`), false);
  });
});
