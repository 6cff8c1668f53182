/**
 * The Secrets Manager store's write path in process, on a real SQLite database
 * (in memory) and the real vault: version rows, sealed values, the staging-label
 * rules, the 20-label quota and the 100-version cap. The same rules are tested
 * over the wire in secretsmanager-core.test.ts; these run in a second, so the
 * mutation run of this module (npm run mutation store-write-path) can afford them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { systemClock } from '../src/clock.ts';
import { DecryptionError, Vault } from '../src/crypto.ts';
import { openDatabase } from '../src/db.ts';
import { createLogger } from '../src/logger.ts';
import type { ServiceContext } from '../src/module.ts';
import {
  countVersions,
  deleteSecret,
  getVersion,
  initSchema,
  insertSecret,
  labelsBySecret,
  listVersions,
  type NewSecret,
  secretByArn,
  setRotationConfig,
  updateSecret,
} from '../src/secretsmanager/store.ts';
import {
  createVersion,
  moveStage,
  openValue,
  putValueIntoVersion,
  resealVersion,
  type SecretValue,
} from '../src/secretsmanager/versions.ts';

const DAY = 24 * 3600 * 1000;
const text = (s: string): SecretValue => ({ kind: 'string', bytes: Buffer.from(s) });

function fixture() {
  const db = openDatabase(undefined);
  initSchema(db);
  const vault = new Vault(randomBytes(32));
  const ctx: ServiceContext = {
    db,
    vault,
    now: 1_000 * DAY,
    clock: systemClock,
    log: createLogger('none'),
    accountId: '123456789012',
    region: 'us-east-1',
    callerArn: 'arn:aws:iam::123456789012:root',
  };
  const row: NewSecret = {
    region: 'us-east-1',
    name: 'app/db',
    arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf',
    description: null,
    kms_key_id: null,
    type: null,
    tags: null,
    created_ms: ctx.now,
    last_changed_ms: ctx.now,
    last_value_changed_ms: null,
    last_accessed_ms: null,
    deleted_ms: null,
    deletion_due_ms: null,
    resource_policy: null,
    rotation_enabled: null,
    rotation_lambda_arn: null,
    rotation_rules: null,
    last_rotated_ms: null,
    next_rotation_ms: null,
    primary_region: null,
    replica_of: null,
    owning_service: null,
  };
  const secret = insertSecret(db, row);
  const labels = () => Object.fromEntries([...labelsBySecret(db, secret.id)].map(([v, l]) => [v, [...l].sort()]));
  const value = (versionId: string) => {
    const v = openValue(vault, secretByArn(db, secret.arn)!, getVersion(db, secret.id, versionId)!);
    return v && `${v.kind}:${v.bytes.toString()}`;
  };
  return { db, vault, ctx, secret, labels, value };
}

const code = (name: string, message?: string | RegExp) => (e: Error & { code?: string }) => {
  assert.equal(e.code ?? e.name, name);
  if (typeof message === 'string') assert.equal(e.message, message);
  else if (message) assert.match(e.message, message);
  return true;
};

describe('secrets', () => {
  test('insert, update (known columns only, returns a new row), rotation config and delete', () => {
    const { db, secret } = fixture();
    assert.deepEqual(secretByArn(db, secret.arn), secret);
    assert.equal(updateSecret(db, secret, { nope: 1 } as never), secret, 'no known column: nothing written');
    const updated = updateSecret(db, secret, { description: 'd', nope: 1 } as never);
    assert.equal(secretByArn(db, secret.arn)?.description, 'd');
    delete (updated as { nope?: number }).nope;
    assert.equal(updated.description, 'd');
    assert.equal(secret.description, null, 'the input row is not changed');
    assert.equal(secretByArn(db, secret.arn)?.description, 'd');
    assert.equal(updateSecret(db, updated, {}), updated);
    const rotating = setRotationConfig(db, updated, {
      enabled: true,
      lambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:r',
      rules: { AutomaticallyAfterDays: 7 },
      lastRotatedMs: 4,
      nextRotationMs: 5,
    });
    const stored = secretByArn(db, secret.arn)!;
    assert.deepEqual(stored, rotating);
    assert.deepEqual(
      [stored.rotation_enabled, stored.rotation_lambda_arn, stored.rotation_rules, stored.last_rotated_ms, stored.next_rotation_ms],
      [1, 'arn:aws:lambda:us-east-1:123456789012:function:r', { AutomaticallyAfterDays: 7 }, 4, 5],
    );
    const off = setRotationConfig(db, rotating, { enabled: false, rules: null });
    assert.deepEqual([off.rotation_enabled, off.rotation_rules, off.rotation_lambda_arn], [0, null, rotating.rotation_lambda_arn]);
    assert.deepEqual(secretByArn(db, secret.arn), off);
    deleteSecret(db, secret.id);
    assert.equal(secretByArn(db, secret.arn), undefined);
  });
});

describe('versions and staging labels', () => {
  test('the first valued version gets AWSCURRENT; the next takes it and hands AWSPREVIOUS to the old one', () => {
    const { ctx, secret, labels, value, db } = fixture();
    assert.deepEqual(createVersion(ctx, secret, { versionId: 'v1', value: text('one') }), ['AWSCURRENT']);
    assert.deepEqual(createVersion(ctx, secret, { versionId: 'v2', value: text('two') }), ['AWSCURRENT']);
    assert.deepEqual(labels(), { v1: ['AWSPREVIOUS'], v2: ['AWSCURRENT'] });
    createVersion(ctx, secret, { versionId: 'v3', value: { kind: 'binary', bytes: Buffer.from([1, 2]) } });
    assert.deepEqual(labels(), { v2: ['AWSPREVIOUS'], v3: ['AWSCURRENT'] });
    assert.equal(value('v1'), 'string:one');
    assert.equal(value('v3'), 'binary:\u0001\u0002');
    assert.equal(getVersion(db, secret.id, 'v3')?.created_ms, ctx.now);
    assert.equal(getVersion(db, secret.id, 'v3')?.kms_key_id, null);
  });

  test('explicit stages: a custom label only (AWSCURRENT stays), AWSCURRENT and AWSPREVIOUS together, duplicates once', () => {
    const { ctx, secret, labels } = fixture();
    createVersion(ctx, secret, { versionId: 'v1', value: text('one') });
    assert.deepEqual(createVersion(ctx, secret, { versionId: 'v2', value: text('two'), stages: ['BLUE', 'BLUE'] }), ['BLUE']);
    assert.deepEqual(labels(), { v1: ['AWSCURRENT'], v2: ['BLUE'] });
    assert.deepEqual(createVersion(ctx, secret, { versionId: 'v3', value: text('3'), stages: ['AWSPREVIOUS', 'AWSCURRENT'] }).sort(), [
      'AWSCURRENT',
      'AWSPREVIOUS',
    ]);
    assert.deepEqual(labels(), { v2: ['BLUE'], v3: ['AWSCURRENT', 'AWSPREVIOUS'] });
  });

  test('a valueless version (rotation AWSPENDING) gets no AWSCURRENT; a value put into it later is sealed to it', () => {
    const { ctx, secret, labels, value, db } = fixture();
    assert.deepEqual(createVersion(ctx, secret, { versionId: 'p', stages: ['AWSPENDING'] }), ['AWSPENDING']);
    assert.equal(getVersion(db, secret.id, 'p')?.sealed, null);
    assert.equal(value('p'), undefined);
    assert.deepEqual(putValueIntoVersion(ctx, secret, 'p', text('pending')), ['AWSPENDING']);
    assert.equal(value('p'), 'string:pending');
    assert.deepEqual(putValueIntoVersion(ctx, secret, 'p', text('again'), ['AWSCURRENT']).sort(), ['AWSCURRENT', 'AWSPENDING']);
    assert.deepEqual(labels(), { p: ['AWSCURRENT', 'AWSPENDING'] });
    assert.equal(value('p'), 'string:again');
  });

  test('a sealed value is bound to its secret and version: reading it as another version fails', () => {
    const { ctx, secret, vault, db } = fixture();
    createVersion(ctx, secret, { versionId: 'v1', value: text('one') });
    const stolen = { ...getVersion(db, secret.id, 'v1')!, version_id: 'v2' };
    assert.throws(
      () => openValue(vault, secret, stolen),
      (e) => {
        assert.ok(e instanceof DecryptionError);
        assert.equal(e.message, 'value failed authentication: wrong key or tampered data');
        return true;
      },
    );
  });

  test('re-sealing under a new key keeps the value readable with the new key only', () => {
    const { ctx, secret, vault, db } = fixture();
    createVersion(ctx, secret, { versionId: 'v1', value: text('one') });
    const after = updateSecret(db, secret, { kms_key_id: 'alias/other' });
    resealVersion(ctx, secret, after, getVersion(db, secret.id, 'v1')!);
    const version = getVersion(db, secret.id, 'v1')!;
    assert.equal(version.kms_key_id, 'alias/other');
    assert.equal(openValue(vault, after, version)?.bytes.toString(), 'one');
    createVersion(ctx, after, { versionId: 'p', stages: ['AWSPENDING'] });
    resealVersion(ctx, secret, after, getVersion(db, secret.id, 'p')!); // valueless: nothing to do
    assert.equal(getVersion(db, secret.id, 'p')?.sealed, null);
  });
});

describe('UpdateSecretVersionStage (moveStage)', () => {
  function threeVersions() {
    const f = fixture();
    for (const v of ['v1', 'v2', 'v3']) createVersion(f.ctx, f.secret, { versionId: v, value: text(v) });
    return f; // v1: -, v2: AWSPREVIOUS, v3: AWSCURRENT
  }

  test('moving AWSCURRENT hands AWSPREVIOUS to the old holder and leaves AWSPENDING where it is', () => {
    const { ctx, secret, labels } = threeVersions();
    createVersion(ctx, secret, { versionId: 'p', value: text('p'), stages: ['AWSPENDING'] });
    moveStage(ctx, secret, { label: 'AWSCURRENT', moveToVersionId: 'p', removeFromVersionId: 'v3' });
    assert.deepEqual(labels(), { p: ['AWSCURRENT', 'AWSPENDING'], v3: ['AWSPREVIOUS'] });
  });

  test('a custom label moves, is removed, and is attached fresh; moving to its holder changes nothing', () => {
    const { ctx, secret, labels } = threeVersions();
    moveStage(ctx, secret, { label: 'BLUE', moveToVersionId: 'v1' });
    assert.deepEqual(labels().v1, ['BLUE']);
    moveStage(ctx, secret, { label: 'BLUE', moveToVersionId: 'v1', removeFromVersionId: 'v1' });
    moveStage(ctx, secret, { label: 'BLUE', moveToVersionId: 'v2', removeFromVersionId: 'v1' });
    assert.deepEqual(labels(), { v2: ['AWSPREVIOUS', 'BLUE'], v3: ['AWSCURRENT'] });
    moveStage(ctx, secret, { label: 'BLUE', removeFromVersionId: 'v2' });
    assert.deepEqual(labels(), { v2: ['AWSPREVIOUS'], v3: ['AWSCURRENT'] });
  });

  test('refusals are InvalidParameterException with AWS text, and change nothing', () => {
    const { ctx, secret, labels } = threeVersions();
    const before = labels();
    assert.throws(
      () => moveStage(ctx, secret, { label: 'AWSCURRENT', moveToVersionId: 'nope' }),
      code('InvalidParameterException', 'Not a valid version: nope'),
    );
    assert.throws(
      () => moveStage(ctx, secret, { label: 'AWSCURRENT', moveToVersionId: 'v1', removeFromVersionId: 'nope' }),
      code('InvalidParameterException', 'Not a valid version: nope'),
    );
    assert.throws(
      () => moveStage(ctx, secret, { label: 'AWSCURRENT', moveToVersionId: 'v1', removeFromVersionId: 'v2' }),
      code('InvalidParameterException', 'Version stage AWSCURRENT not found in version v2'),
    );
    assert.throws(
      () => moveStage(ctx, secret, { label: 'AWSCURRENT', moveToVersionId: 'v1' }),
      code(
        'InvalidParameterException',
        "The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version v3, so you must explicitly reference that version in RemoveFromVersionId.",
      ),
    );
    assert.throws(
      () => moveStage(ctx, secret, { label: 'BLUE' }),
      code('InvalidParameterException', 'You must specify MoveToVersionId or RemoveFromVersionId.'),
    );
    assert.deepEqual(labels(), before);
  });
});

describe('quotas', () => {
  test('at most 20 staging labels across the versions of a secret (LimitExceededException)', () => {
    const { ctx, secret, labels } = fixture();
    createVersion(ctx, secret, { versionId: 'v1', value: text('one') });
    const custom = Array.from({ length: 19 }, (_, i) => `L${i}`);
    createVersion(ctx, secret, { versionId: 'v2', value: text('two'), stages: custom });
    assert.equal(Object.values(labels()).flat().length, 20);
    assert.throws(
      () => moveStage(ctx, secret, { label: 'ONE-MORE', moveToVersionId: 'v1' }),
      code('LimitExceededException', 'A secret can have at most 20 staging labels attached across all of its versions.'),
    );
    assert.throws(
      () => createVersion(ctx, secret, { versionId: 'v3', value: text('3'), stages: ['X', 'AWSCURRENT'] }),
      code('LimitExceededException'),
    );
  });

  test('over 100 versions: deprecated versions older than 24 hours are removed, newer ones never (LimitExceededException)', () => {
    const { ctx, secret, db } = fixture();
    const old = { ...ctx, now: ctx.now - 2 * DAY };
    for (let i = 0; i < 60; i++) createVersion(old, secret, { versionId: `old-${i}`, value: text(`${i}`) });
    for (let i = 0; i < 40; i++) createVersion(ctx, secret, { versionId: `new-${i}`, value: text(`${i}`) });
    assert.equal(countVersions(db, secret.id), 100);
    createVersion(ctx, secret, { versionId: 'new-40', value: text('40') });
    assert.equal(countVersions(db, secret.id), 100, 'one deprecated old version removed');
    assert.equal(getVersion(db, secret.id, 'old-0'), undefined, 'the oldest deprecated one goes first');
    assert.ok(getVersion(db, secret.id, 'old-1'));
    for (let i = 41; i < 100; i++) createVersion(ctx, secret, { versionId: `new-${i}`, value: text(`${i}`) });
    assert.equal(countVersions(db, secret.id), 100);
    assert.deepEqual(
      listVersions(db, secret.id).filter((v) => v.version_id.startsWith('old-')),
      [],
      'every deprecated old version was removed, oldest first',
    );
    assert.throws(
      () => createVersion(ctx, secret, { versionId: 'one-too-many', value: text('x') }),
      code(
        'LimitExceededException',
        "You can't create more than 100 versions of a secret. Deprecated versions are removed only when they are more than 24 hours old.",
      ),
    );
  });
});
