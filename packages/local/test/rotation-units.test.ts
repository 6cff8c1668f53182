/** Rotation rules (rate/cron/Duration), the functions map, and the function invoker's failure modes. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FunctionInvoker, FunctionRegistry, functionName } from '../src/functions/index.ts';
import { createLogger } from '../src/logger.ts';
import { nextRotation, parseRotationRules } from '../src/secretsmanager/rotation-rules.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe('rotation rules', () => {
  test('AutomaticallyAfterDays and rate() are intervals from the last change', () => {
    assert.equal(nextRotation(parseRotationRules({ AutomaticallyAfterDays: 30 }), 0), 30 * 24 * HOUR);
    assert.equal(nextRotation(parseRotationRules({ ScheduleExpression: 'rate(4 hours)' }), 1000), 1000 + 4 * HOUR);
    assert.equal(nextRotation(parseRotationRules({ ScheduleExpression: 'rate(1 day)' }), 0), 24 * HOUR);
    assert.equal(nextRotation(parseRotationRules({ ScheduleExpression: 'rate(10 days)', Duration: '3h' }), 0), 240 * HOUR);
  });

  test('cron(): UTC, the next matching minute strictly after the base', () => {
    const rules = (e: string) => parseRotationRules({ ScheduleExpression: e });
    const next = (e: string, from: string) => new Date(nextRotation(rules(e), at(from))).toISOString();
    assert.equal(next('cron(0 16 1,15 * ? *)', '2026-11-23T10:00:00Z'), '2026-12-01T16:00:00.000Z');
    assert.equal(next('cron(0 16 1,15 * ? *)', '2026-12-01T16:00:00Z'), '2026-12-15T16:00:00.000Z');
    assert.equal(next('cron(0 8 ? * MON *)', '2026-11-23T09:00:00Z'), '2026-11-30T08:00:00.000Z'); // 23 Nov 2026 is a Monday
    assert.equal(next('cron(30 */6 * * ? *)', '2026-11-23T06:31:00Z'), '2026-11-23T12:30:00.000Z');
    assert.equal(next('cron(0 0 1 JAN ? 2027)', '2026-11-23T00:00:00Z'), '2027-01-01T00:00:00.000Z');
    assert.equal(next('cron(0 10 ? * 2-6 *)', '2026-11-28T12:00:00Z'), '2026-11-30T10:00:00.000Z'); // Sat → Mon
    assert.throws(() => nextRotation(rules('cron(0 0 1 JAN ? 2020)'), at('2026-01-01T00:00:00Z')), /never matches/);
  });

  test('invalid rules are InvalidParameterException (range, both kinds, rate under 4 hours, cron syntax, window)', () => {
    const bad = (r: Record<string, unknown>, message?: RegExp) =>
      assert.throws(
        () => parseRotationRules(r),
        (e: Error & { code?: string }) => e.code === 'InvalidParameterException' && (!message || message.test(e.message)),
      );
    bad({ AutomaticallyAfterDays: 0 }, /^RotationRules.AutomaticallyAfterDays must be within 1-1000.$/);
    bad({ AutomaticallyAfterDays: 1001 });
    bad({ AutomaticallyAfterDays: 3, ScheduleExpression: 'rate(5 days)' });
    bad({});
    bad({ ScheduleExpression: 'rate(3 hours)' });
    bad({ ScheduleExpression: 'rate(0 days)' });
    bad({ ScheduleExpression: 'rate(4 minutes)' });
    bad({ ScheduleExpression: 'cron(0 16 * * * *)' }, /day-of-month and day-of-week/);
    bad({ ScheduleExpression: 'cron(0 25 * * ? *)' });
    bad({ ScheduleExpression: 'cron(0 16 L * ? *)' });
    bad({ ScheduleExpression: 'cron(0 16 * *)' });
    bad({ ScheduleExpression: 'rate(4 hours)', Duration: '5h' });
    bad({ AutomaticallyAfterDays: 1, Duration: '25h' });
  });
});

describe('functions map', () => {
  test('resolves by exact ARN, by function name (with or without a qualifier), and rejects bad entries', () => {
    const registry = new FunctionRegistry(
      { 'arn:aws:lambda:us-east-1:123456789012:function:exact': './a.ts', named: 'http://127.0.0.1:9/x' },
      '/base',
    );
    assert.equal(registry.resolve('arn:aws:lambda:us-east-1:123456789012:function:exact')?.kind, 'module');
    assert.equal((registry.resolve('arn:aws:lambda:us-east-1:123456789012:function:exact') as { path: string }).path, '/base/a.ts');
    assert.equal(registry.resolve('arn:aws:lambda:eu-west-1:999999999999:function:named:live')?.kind, 'http');
    assert.equal(registry.resolve('named')?.kind, 'http');
    assert.equal(registry.resolve('arn:aws:lambda:us-east-1:123456789012:function:other'), undefined);
    assert.equal(functionName('arn:aws:s3:::bucket'), undefined);
    assert.throws(() => new FunctionRegistry({ x: { env: { A: 1 as never }, handler: 'a.js' } }), /env/);
    assert.throws(() => new FunctionRegistry({ x: { timeoutSeconds: 0, handler: 'a.js' } }), /timeoutSeconds/);
    assert.throws(() => new FunctionRegistry({ x: '' }), /missing/);
  });
});

describe('function invoker', () => {
  const fixture = join(import.meta.dirname, 'fixtures/misbehaving-function.mjs');
  const invoker = (mode: string, timeoutSeconds = 30) =>
    new FunctionInvoker({
      registry: new FunctionRegistry({ fn: { handler: fixture, env: { MODE: mode }, timeoutSeconds } }),
      endpoint: () => 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      log: createLogger('none'),
    });
  const request = {
    functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
    region: 'eu-west-1',
    accountId: '123456789012',
    event: { Step: 'testSecret' },
  };

  test('callback-style handlers answer through the callback, with a Lambda-like context and environment', async () => {
    const inv = invoker('callback');
    try {
      assert.deepEqual(await inv.invoke(request), {
        ok: true,
        result: { step: 'testSecret', fn: 'fn', region: 'eu-west-1' },
        errorType: undefined,
        errorMessage: undefined,
      });
    } finally {
      await inv.close();
    }
  });

  test('a hung function times out; a crashed one fails the invocation and the next invocation gets a new process', async () => {
    const hung = invoker('hang', 1);
    try {
      const r = await hung.invoke(request);
      assert.equal(r.ok, false);
      assert.equal(r.errorMessage, 'Task timed out after 1 seconds');
    } finally {
      await hung.close();
    }
    const crash = invoker('pid');
    try {
      const before = await crash.invoke(request);
      assert.equal(before.ok, true);
      const firstPid = (before.result as { pid: number }).pid;
      const crashed = await crash.invoke({ ...request, event: { Step: 'testSecret', crash: true } });
      assert.deepEqual(crashed, { ok: false, errorType: 'Runtime.ExitError', errorMessage: 'function process exited (code 3)' });
      const after = await crash.invoke(request);
      assert.equal(after.ok, true, 'the dead environment was replaced by a fresh one');
      const secondPid = (after.result as { pid: number }).pid;
      assert.notEqual(secondPid, firstPid);
      assert.throws(() => process.kill(firstPid, 0), { code: 'ESRCH' }, 'the crashed process is gone');
    } finally {
      await crash.close();
    }
  });
});
