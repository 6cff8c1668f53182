/**
 * The pure parts behind `parasol exec`, `parasol render` and the exec wrapper:
 * reference parsing, chamber naming, JSON keys, shell quoting (checked by a
 * real sh), signals and modes, keyed fingerprints.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { parseExecAction, parseRenderAction, parseSignal } from '../src/inject/action.js';
import { parseMode } from '../src/inject/atomic-write.js';
import { exitStatus } from '../src/inject/child.js';
import { changedNames, Fingerprinter } from '../src/inject/fingerprint.js';
import { shellQuote } from '../src/inject/lambda-env.js';
import { envNameForPath, parseRef, RefError } from '../src/inject/refs.js';
import { type ResolveError, secretValue } from '../src/inject/values.js';

test('sm: references in ECS order, by name and by ARN, empty fields skipped', () => {
  const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';
  assert.deepEqual(parseRef('sm:prod/db'), {
    kind: 'secret',
    text: 'sm:prod/db',
    secretId: 'prod/db',
    jsonKey: undefined,
    versionStage: undefined,
    versionId: undefined,
  });
  assert.deepEqual(parseRef('sm:prod/db:password:AWSPREVIOUS'), {
    kind: 'secret',
    text: 'sm:prod/db:password:AWSPREVIOUS',
    secretId: 'prod/db',
    jsonKey: 'password',
    versionStage: 'AWSPREVIOUS',
    versionId: undefined,
  });
  const byArn = parseRef(`sm:${arn}::AWSPENDING:0f1e2d3c-0000-4000-8000-000000000000`);
  assert.equal(byArn.kind === 'secret' && byArn.secretId, arn);
  assert.equal(byArn.kind === 'secret' && byArn.jsonKey, undefined);
  assert.equal(byArn.kind === 'secret' && byArn.versionStage, 'AWSPENDING');
  assert.equal(byArn.kind === 'secret' && byArn.versionId, '0f1e2d3c-0000-4000-8000-000000000000');
  assert.throws(() => parseRef('sm:a:b:c:d:e'), /reference 'sm:a:b:c:d:e' has too many ':' fields/);
  assert.throws(() => parseRef('sm:arn:aws:secretsmanager:eu-west-1:1:parameter:x'), /a secret ARN looks like/);
  assert.throws(() => parseRef('sm:'), /names no secret/);
  assert.throws(() => parseRef('db/password'), RefError);
});

test('ssm: references: digits are a version, anything else a label', () => {
  assert.deepEqual(parseRef('ssm:/app/url:3'), { kind: 'parameter', text: 'ssm:/app/url:3', name: '/app/url', version: '3' });
  assert.deepEqual(parseRef('ssm:/app/url:stable'), { kind: 'parameter', text: 'ssm:/app/url:stable', name: '/app/url', label: 'stable' });
  const byArn = parseRef('ssm:arn:aws:ssm:eu-west-1:123456789012:parameter/app/url:2');
  assert.equal(byArn.kind === 'parameter' && byArn.name, 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/url');
  assert.equal(byArn.kind === 'parameter' && byArn.version, '2');
  assert.throws(() => parseRef('ssm:/app/url:0'), /a version is a positive whole number/);
  assert.throws(() => parseRef('ssm:/app/url:'), /gives no version or label/);
  assert.throws(() => parseRef('ssm:/a:b:c'), /too many ':' fields/);
});

test('--path names the chamber way', () => {
  assert.equal(envNameForPath('/app/prod/db-url', '/app/prod/'), 'DB_URL');
  assert.equal(envNameForPath('/app/prod/db/url', '/app/prod'), 'DB_URL');
  assert.equal(envNameForPath('/app/prod/feature/new.checkout', '/app/prod/'), 'FEATURE_NEW_CHECKOUT');
  assert.equal(envNameForPath('/app/prod/2fa-key', '/app/prod/'), '_2FA_KEY');
});

test('JSON keys: strings as is, other values as JSON text; a missing key or a non-JSON secret names the key, never the value', () => {
  const ref = parseRef('sm:db:port');
  if (ref.kind !== 'secret') throw new Error('expected a secret ref');
  const json = '{"port":5432,"password":"hunter2","nested":{"a":[1]},"s":"x"}';
  assert.equal(secretValue(ref, json), '5432');
  assert.equal(secretValue({ ...ref, jsonKey: 's' }, json), 'x');
  assert.equal(secretValue({ ...ref, jsonKey: 'nested' }, json), '{"a":[1]}');
  assert.throws(
    () => secretValue({ ...ref, jsonKey: 'user' }, json),
    (e: ResolveError) => e.code === 'JsonKeyNotFound' && e.missing && e.message === "secret 'db' has no JSON key 'user'",
  );
  assert.throws(
    () => secretValue(ref, 'hunter2-not-json'),
    (e: ResolveError) => e.code === 'InvalidJsonSecret' && !e.message.includes('hunter2') && /is not a JSON object/.test(e.message),
  );
});

test('shellQuote round-trips any text through a real sh', () => {
  const values = ["it's", 'a"b', '$HOME `id` \\ !', 'line1\nline2\n', '', "''", 'ünïcødé ✓'];
  const script = values.map((v, i) => `V${i}=${shellQuote(v)}; printf '%s\\0' "$V${i}"`).join('\n');
  const out = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: {} });
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(out.stdout.split('\0').slice(0, values.length), values);
});

test('on-change actions, signals and modes', () => {
  assert.deepEqual(parseExecAction('restart'), { kind: 'restart' });
  assert.deepEqual(parseExecAction('signal:hup'), { kind: 'signal', signal: 'SIGHUP' });
  assert.deepEqual(parseExecAction('run:kill -HUP 1'), { kind: 'run', command: 'kill -HUP 1' });
  assert.throws(() => parseExecAction('reload'), /--on-change 'reload' must be restart, signal:SIG or run:CMD/);
  assert.deepEqual(parseRenderAction('signal:SIGUSR1:/run/app.pid'), { kind: 'signal', signal: 'SIGUSR1', pidFile: '/run/app.pid' });
  assert.throws(() => parseRenderAction('signal:HUP'), /must be signal:SIG:PIDFILE or run:CMD/);
  assert.throws(() => parseSignal('NOPE'), /unknown signal 'NOPE'/);
  assert.equal(parseMode('0600'), 0o600);
  assert.equal(parseMode('640'), 0o640);
  assert.throws(() => parseMode('0800'), /--mode must be octal permission bits/);
  assert.equal(exitStatus({ code: 3, signal: null }), 3);
  assert.equal(exitStatus({ code: null, signal: 'SIGTERM' }), 143);
  assert.equal(exitStatus({ code: null, signal: 'SIGKILL' }), 137);
});

test('fingerprints are keyed per process: same value same hash here, a different hash in another Fingerprinter', () => {
  const a = new Fingerprinter();
  const b = new Fingerprinter();
  assert.equal(a.of('1234'), a.of('1234'));
  assert.notEqual(a.of('1234'), b.of('1234'));
  assert.notEqual(a.of('1234'), a.of('1235'));
  assert.match(a.of('1234'), /^[0-9a-f]{64}$/);
  const before = a.ofAll(
    new Map([
      ['A', 'x'],
      ['B', 'y'],
    ]),
  );
  const after = a.ofAll(
    new Map([
      ['A', 'x'],
      ['B', 'z'],
      ['C', 'w'],
    ]),
  );
  assert.deepEqual(changedNames(before, after), ['B', 'C']);
});
