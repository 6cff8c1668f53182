// Bad input at volume: ≥ 10,000 signed requests that are wrong on purpose, sent
// to one `parasol serve`, which must answer every one with a 4xx (never a 5xx,
// never a hang) and stay healthy throughout (a signed ListSecrets and
// DescribeParameters answer 200 after every batch).
//
// The inputs:
//  - schema-derived: for every member of every operation of both services, as
//    the SDK v3 models declare them (@aws-sdk/client-secrets-manager and
//    client-ssm ship their schemas), values of every other JSON type and
//    out-of-shape lists, maps and structures, with the required members present;
//  - generated with fast-check (fixed seed, so a run can be repeated): arbitrary
//    JSON bodies, malformed JSON, random X-Amz-Target values, hostile names and
//    ids, and garbage Authorization headers;
//  - sizes: values and bodies at and past the limits.
import * as sm from '@aws-sdk/client-secrets-manager';
import * as ssm from '@aws-sdk/client-ssm';
import fc from 'fast-check';
import { startServe } from '../lib/parasol.mjs';
import { alive, rawPost, stopChild, table } from './common.mjs';

const SEED = 20261204;
/** HTTP clients cannot send control characters in a header value: those become '?' (still a bad target or header). */
const headerSafe = (s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
const CONCURRENCY = 8;
const HEALTH_EVERY = 250;

const SERVICES = [
  { service: 'secretsmanager', prefix: 'secretsmanager', models: sm },
  { service: 'ssm', prefix: 'AmazonSSM', models: ssm },
];

/** Every operation of a client package: [name, input structure schema]. */
function operations(models) {
  return Object.values(models)
    .filter((v) => Array.isArray(v) && v[0] === 9)
    .map((op) => [op[2], deref(op[4])]);
}

const deref = (s) => (typeof s === 'function' ? s() : s);

/** The kind of a schema: string, number, boolean, timestamp, blob, document, list, map or struct. */
function kindOf(schema) {
  const s = deref(schema);
  if (typeof s === 'number') {
    if (s & 64) return 'list';
    if (s & 128) return 'map';
    return (
      {
        0: 'string',
        1: 'number',
        2: 'boolean',
        4: 'timestamp',
        5: 'timestamp',
        6: 'timestamp',
        7: 'timestamp',
        15: 'document',
        21: 'blob',
      }[s] ?? 'string'
    );
  }
  if (!Array.isArray(s)) return 'string';
  if (s.length === 2) return kindOf(s[0]); // [schema, traits]: a member
  return { 0: kindOf(s[4]), 1: 'list', 2: 'map', 3: 'struct' }[s[0]] ?? 'string';
}

const members = (struct) => (struct[4] ?? []).map((name, i) => ({ name, kind: kindOf(struct[5][i]), required: i < (struct[6] ?? 0) }));

/** A plausible value of a kind, for the members not under test. */
const PLAUSIBLE = {
  string: 'stress-x',
  number: 1,
  boolean: true,
  timestamp: 1_700_000_000,
  blob: 'c3RyZXNz',
  document: {},
  list: [],
  map: {},
  struct: {},
};

/** Values that are not of the kind (or are out of shape for it). */
const WRONG = {
  string: [123, -1.5, true, false, {}, { a: 'b' }, [], ['x'], null, ''],
  number: ['12', 'NaN', true, {}, [], [1], -1, 1.5, 2 ** 53 + 1, -(2 ** 63)],
  boolean: ['true', 'false', 1, 0, {}, [], null],
  timestamp: ['yesterday', '2026-13-45T99:99:99Z', true, {}, [], -1e20],
  blob: [123, true, {}, [], 'not base64 !!', '=', null],
  document: [],
  list: ['x', 1, true, {}, { 0: 'a' }, [1, 2], [{}], [null], [[]], Array(1001).fill('a')],
  map: ['x', 1, true, [], ['a'], { k: 1 }, { k: {} }, { k: [] }, { '': 'v' }],
  struct: ['x', 1, true, [], [{}], { Unknown: 'x' }, { Key: 1, Value: {} }],
};

function* schemaDerived() {
  for (const { service, prefix, models } of SERVICES) {
    for (const [op, input] of operations(models)) {
      const ms = members(input);
      const base = Object.fromEntries(ms.filter((m) => m.required).map((m) => [m.name, PLAUSIBLE[m.kind]]));
      for (const m of ms) {
        for (const value of WRONG[m.kind]) {
          yield { service, target: `${prefix}.${op}`, body: JSON.stringify({ ...base, [m.name]: value }) };
        }
      }
      yield { service, target: `${prefix}.${op}`, body: '{}' }; // required members missing
      yield { service, target: `${prefix}.${op}`, body: JSON.stringify({ ...base, NotAMember: 'x' }) };
    }
  }
}

function* generated(scale) {
  const opNames = SERVICES.map(({ service, prefix, models }) => ({ service, prefix, ops: operations(models).map(([op]) => op) }));
  const anyTarget = fc
    .constantFrom(...opNames)
    .chain(({ service, prefix, ops }) => fc.constantFrom(...ops).map((op) => ({ service, target: `${prefix}.${op}` })));
  const sample = (arb, numRuns, offset) => fc.sample(arb, { numRuns: Math.ceil(numRuns), seed: SEED + offset });

  // Arbitrary JSON documents as bodies.
  for (const [t, body] of sample(fc.tuple(anyTarget, fc.jsonValue({ maxDepth: 4 })), 2500 * scale, 1)) {
    yield { ...t, body: JSON.stringify(body) ?? 'null' };
  }
  // Malformed JSON: random text, and valid bodies cut short or with a byte flipped.
  for (const [t, text] of sample(fc.tuple(anyTarget, fc.string({ unit: 'binary', maxLength: 200 })), 800 * scale, 2)) {
    yield { ...t, body: text };
  }
  for (const [t, obj, cut] of sample(fc.tuple(anyTarget, fc.object({ maxDepth: 2 }), fc.nat()), 700 * scale, 3)) {
    const s = JSON.stringify(obj);
    yield { ...t, body: s.slice(0, cut % Math.max(1, s.length)) + (cut % 3 === 0 ? '\u0000' : '') };
  }
  // Random targets: unknown services and operations, prototype names, odd separators.
  const PROTO = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'prototype', 'isPrototypeOf', '__defineGetter__'];
  const targetArb = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc
      .tuple(
        fc.constantFrom('secretsmanager', 'AmazonSSM', 'secretsManager', 'amazonssm', ''),
        fc.constantFrom(...PROTO, 'GetSecretValue ', '', '.', 'GetParameter\t'),
      )
      .map(([p, o]) => `${p}.${o}`),
  );
  for (const target of sample(targetArb, 1000 * scale, 4)) {
    yield { service: 'secretsmanager', target: headerSafe(target), body: '{}' };
  }
  // Hostile names and ids in the operations that take them.
  const nameArb = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '/',
      '//',
      '../..',
      '%00',
      'a'.repeat(2049),
      `/${'a/'.repeat(20)}`,
      'arn:aws:secretsmanager:::',
      '\u202e',
      'ssm/x',
      'aws/x',
    ),
  );
  const nameOps = [
    ['secretsmanager', 'secretsmanager.CreateSecret', (n) => ({ Name: n, SecretString: 'v' })],
    ['secretsmanager', 'secretsmanager.GetSecretValue', (n) => ({ SecretId: n })],
    ['secretsmanager', 'secretsmanager.PutSecretValue', (n) => ({ SecretId: n, SecretString: 'v' })],
    ['secretsmanager', 'secretsmanager.DeleteSecret', (n) => ({ SecretId: n, RecoveryWindowInDays: 7 })],
    ['secretsmanager', 'secretsmanager.UpdateSecretVersionStage', (n) => ({ SecretId: 'x', VersionStage: n })],
    ['ssm', 'AmazonSSM.PutParameter', (n) => ({ Name: n, Value: 'v', Type: 'String' })],
    ['ssm', 'AmazonSSM.GetParameter', (n) => ({ Name: n })],
    ['ssm', 'AmazonSSM.GetParametersByPath', (n) => ({ Path: n, Recursive: true })],
    ['ssm', 'AmazonSSM.LabelParameterVersion', (n) => ({ Name: '/x', Labels: [n] })],
    ['ssm', 'AmazonSSM.DeleteParameters', (n) => ({ Names: [n, n] })],
  ];
  for (const [i, name] of sample(nameArb, 1500 * scale, 5).entries()) {
    const [service, target, body] = nameOps[i % nameOps.length];
    yield { service, target, body: JSON.stringify(body(name)) };
  }
  // Garbage Authorization headers (and none) on an otherwise good request.
  const authArb = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.constantFrom(
      'AWS4-HMAC-SHA256',
      'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=00',
      'AWS4-HMAC-SHA256 Credential=/, SignedHeaders=, Signature=',
      'Basic dGVzdDp0ZXN0',
    ),
  );
  for (const auth of sample(authArb, 500 * scale, 6)) {
    yield {
      service: 'secretsmanager',
      target: 'secretsmanager.ListSecrets',
      body: '{}',
      signed: false,
      headers: auth ? { authorization: headerSafe(auth) } : {},
    };
  }
  // Sizes: at and past the value limits, and a large body.
  const big = (n) => 'v'.repeat(n);
  const sizes = [
    ['secretsmanager', 'secretsmanager.CreateSecret', { Name: 'size-65536', SecretString: big(65536) }],
    ['secretsmanager', 'secretsmanager.CreateSecret', { Name: 'size-65537', SecretString: big(65537) }],
    ['secretsmanager', 'secretsmanager.CreateSecret', { Name: 'size-multibyte', SecretString: 'é'.repeat(40000) }],
    [
      'secretsmanager',
      'secretsmanager.CreateSecret',
      { Name: 'size-tags', SecretString: 'v', Tags: Array.from({ length: 60 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) },
    ],
    ['ssm', 'AmazonSSM.PutParameter', { Name: '/size/4097', Value: big(4097), Type: 'String' }],
    ['ssm', 'AmazonSSM.PutParameter', { Name: '/size/8193', Value: big(8193), Type: 'String', Tier: 'Advanced' }],
    ['ssm', 'AmazonSSM.GetParameters', { Names: Array.from({ length: 11 }, (_, i) => `/n${i}`) }],
    ['secretsmanager', 'secretsmanager.CreateSecret', { Name: 'size-body', SecretString: 'v', Description: big(2_000_000) }],
  ];
  for (let r = 0; r < Math.ceil(scale); r++)
    for (const [service, target, body] of sizes) yield { service, target, body: JSON.stringify(body) };
}

export async function run({ quick }) {
  const serve = await startServe(['--in-memory']);
  const statuses = new Map();
  const fiveXx = [];
  const unknownOk = [];
  const errors = [];
  const known = new Set(SERVICES.flatMap(({ prefix, models }) => operations(models).map(([op]) => `${prefix}.${op}`)));
  let healthFailures = 0;
  let healthChecks = 0;
  let sent = 0;
  const health = async () => {
    healthChecks++;
    const a = await rawPost(serve.url, 'secretsmanager', 'secretsmanager.ListSecrets', '{}').catch(() => ({ status: 0 }));
    const b = await rawPost(serve.url, 'ssm', 'AmazonSSM.DescribeParameters', '{}').catch(() => ({ status: 0 }));
    if (a.status !== 200 || b.status !== 200) healthFailures++;
  };
  const counts = { schema: 0, generated: 0 };
  let aliveAtEnd = false;
  try {
    const all = [
      ...[...schemaDerived()].map((x) => ({ ...x, family: 'schema' })),
      ...[...generated(quick ? 0.1 : 1)].map((x) => ({ ...x, family: 'generated' })),
    ];
    const inputs = quick ? all.filter((x, i) => x.family === 'generated' || i % 10 === 0) : all;
    let next = 0;
    const worker = async () => {
      while (next < inputs.length) {
        const input = inputs[next++];
        counts[input.family]++;
        try {
          const r = await rawPost(serve.url, input.service, input.target, input.body, {
            signed: input.signed !== false,
            headers: input.headers,
          });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status >= 500) fiveXx.push(`${r.status} ${r.type ?? ''} ${input.target} ${input.body.slice(0, 120)}`);
          if (r.status < 300 && !known.has(input.target)) unknownOk.push(`${r.status} ${JSON.stringify(input.target)}`);
        } catch (e) {
          errors.push(`${input.target}: ${e.message}`);
        }
        if (++sent % HEALTH_EVERY === 0) await health();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await health();
    aliveAtEnd = alive(serve.child);
  } finally {
    await stopChild(serve.child);
  }
  const stillServing = healthFailures === 0;
  const enough = quick || sent >= 10_000;
  const pass = fiveXx.length === 0 && unknownOk.length === 0 && errors.length === 0 && stillServing && aliveAtEnd && enough;
  const statusRows = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => [s, n]);
  return {
    name: 'bad inputs',
    pass,
    summary: `${sent} bad inputs (${counts.schema} schema-derived, ${counts.generated} generated), ${fiveXx.length} × 5xx, ${unknownOk.length} × 2xx for an unknown target, ${errors.length} hangs or resets, ${healthFailures} failed of ${healthChecks} health checks`,
    details: [
      `Schema-derived inputs cover every member of every operation in the SDK v3 models of both services (${operations(sm).length} + ${operations(ssm).length} operations); generated inputs use fast-check with seed ${SEED}. All signed except the Authorization-header family. ${CONCURRENCY} requests in flight; a health check (ListSecrets + DescribeParameters, both must answer 200) after every ${HEALTH_EVERY} inputs.`,
      '',
      ...table(['HTTP status', 'answers'], statusRows),
      ...fiveXx.slice(0, 20).map((f) => `- 5xx: ${f}`),
      ...unknownOk.slice(0, 20).map((f) => `- 2xx for an unknown target: ${f}`),
      ...errors.slice(0, 20).map((f) => `- no answer: ${f}`),
    ],
  };
}
