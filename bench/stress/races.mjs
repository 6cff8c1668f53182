// Concurrency races against one `parasol serve --data DIR` with a rotation
// function (--functions), each repeated for many rounds. Every answer must be a
// success or the error AWS gives for that conflict, and the state afterwards
// must satisfy the service's invariants:
//  - idempotency tokens: the same PutSecretValue (same ClientRequestToken, same
//    value) sent 20 times at once makes exactly one version and every call
//    answers with it; the same token with different values at once: one wins,
//    the rest are ResourceExistsException, and the version holds the winner's value;
//  - PutParameter --overwrite: 30 writers at once get distinct, contiguous
//    versions, the history has every one of them, and the current value is the
//    one written as the highest version;
//  - stage moves: UpdateSecretVersionStage moving AWSCURRENT and a custom label
//    among 6 versions at once: afterwards exactly one AWSCURRENT, at most one
//    AWSPREVIOUS, the custom label on exactly one version; losers are
//    InvalidParameterException;
//  - RotateSecret: 6 rotations of one secret requested at once, while readers
//    read it: every reader gets 200 with the old or a rotated value (never a
//    pending one), the losers are InvalidRequestException, and afterwards one
//    version is AWSCURRENT, holding a rotated value, with no AWSPENDING left.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { startServe } from '../lib/parasol.mjs';
import { smClient, ssmClient, stopChild, table } from './common.mjs';

const ROTATION_FN = 'arn:aws:lambda:us-east-1:123456789012:function:stress-rotation';
const FIXTURE = fileURLToPath(new URL('../../packages/local/test/fixtures/rotation-function.ts', import.meta.url));

const settle = (promises) => Promise.allSettled(promises);
const errorName = (r) => (r.status === 'fulfilled' ? 'ok' : (r.reason?.name ?? 'Error'));

/** Each race returns a list of problems (empty when it held). */
const RACES = {
  async 'idempotent PutSecretValue (same token, same value)'(sm, _ssm, note) {
    const name = `race/idem/${randomUUID()}`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'initial' }));
    const token = randomUUID();
    const results = await settle(
      Array.from({ length: 20 }, () =>
        sm.send(new PutSecretValueCommand({ SecretId: name, ClientRequestToken: token, SecretString: 'same' })),
      ),
    );
    note(results);
    const problems = results.filter((r) => r.status === 'rejected').map((r) => `a retry failed: ${errorName(r)}`);
    const ids = new Set(results.filter((r) => r.status === 'fulfilled').map((r) => r.value.VersionId));
    if (ids.size !== 1 || !ids.has(token)) problems.push(`answered with versions ${[...ids]}`);
    const versions = Object.keys((await sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {});
    if (versions.length !== 2) problems.push(`${versions.length} versions, expected 2`);
    return problems;
  },

  async 'PutSecretValue (same token, different values)'(sm, _ssm, note) {
    const name = `race/idem-diff/${randomUUID()}`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'initial' }));
    const token = randomUUID();
    const results = await settle(
      Array.from({ length: 10 }, (_, i) =>
        sm.send(new PutSecretValueCommand({ SecretId: name, ClientRequestToken: token, SecretString: `value-${i}` })),
      ),
    );
    note(results);
    const problems = [];
    const winners = results.map((r, i) => [r, i]).filter(([r]) => r.status === 'fulfilled');
    if (winners.length !== 1) problems.push(`${winners.length} calls succeeded, expected 1`);
    for (const r of results)
      if (r.status === 'rejected' && errorName(r) !== 'ResourceExistsException') problems.push(`loser got ${errorName(r)}`);
    const stored = await sm.send(new GetSecretValueCommand({ SecretId: name, VersionId: token }));
    if (winners.length === 1 && stored.SecretString !== `value-${winners[0][1]}`) problems.push('the version holds a loser’s value');
    return problems;
  },

  async 'PutParameter --overwrite versions'(_sm, ssm, note) {
    const name = `/race/overwrite/${randomUUID()}`;
    await ssm.send(new PutParameterCommand({ Name: name, Value: 'v1', Type: 'String' }));
    const results = await settle(
      Array.from({ length: 30 }, (_, i) =>
        ssm
          .send(new PutParameterCommand({ Name: name, Value: `w${i}`, Type: 'String', Overwrite: true }))
          .then((o) => ({ i, version: o.Version })),
      ),
    );
    note(results);
    const problems = results.filter((r) => r.status === 'rejected').map((r) => `a writer failed: ${errorName(r)}`);
    const versions = results
      .filter((r) => r.status === 'fulfilled')
      .map((r) => r.value.version)
      .sort((a, b) => a - b);
    const expected = Array.from({ length: 30 }, (_, k) => k + 2);
    if (JSON.stringify(versions) !== JSON.stringify(expected)) problems.push(`versions ${versions.join(',')} are not 2..31, each once`);
    const history = [];
    let NextToken;
    do {
      const page = await ssm.send(new GetParameterHistoryCommand({ Name: name, NextToken, MaxResults: 50 }));
      history.push(...(page.Parameters ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    if (history.length !== 31) problems.push(`history has ${history.length} versions, expected 31`);
    for (const r of results.filter((x) => x.status === 'fulfilled')) {
      const h = history.find((p) => p.Version === r.value.version);
      if (h?.Value !== `w${r.value.i}`) problems.push(`version ${r.value.version} does not hold its writer's value`);
    }
    const top = results.find((r) => r.status === 'fulfilled' && r.value.version === 31);
    const current = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter;
    if (current?.Version !== 31 || (top && current.Value !== `w${top.value.i}`)) problems.push('the current value is not version 31’s');
    return problems;
  },

  async 'UpdateSecretVersionStage moves'(sm, _ssm, note) {
    const name = `race/stages/${randomUUID()}`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'v0' }));
    const ids = [];
    for (let i = 1; i <= 5; i++) ids.push((await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: `v${i}` }))).VersionId);
    const all = Object.keys((await sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {});
    await sm.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'RACE', MoveToVersionId: all[0] }));
    const holder = async (label) =>
      Object.entries((await sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {}).find(([, s]) =>
        s.includes(label),
      )?.[0];
    const currentHolder = await holder('AWSCURRENT');
    // Every mover believes the label is where it was before the race.
    const moves = all.flatMap((to) => [
      sm.send(
        new UpdateSecretVersionStageCommand({
          SecretId: name,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: to,
          RemoveFromVersionId: currentHolder,
        }),
      ),
      sm.send(
        new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'RACE', MoveToVersionId: to, RemoveFromVersionId: all[0] }),
      ),
    ]);
    const results = await settle(moves);
    note(results);
    const problems = [];
    for (const r of results) {
      if (r.status === 'rejected' && errorName(r) !== 'InvalidParameterException') problems.push(`a move failed with ${errorName(r)}`);
    }
    if (!results.some((r) => r.status === 'fulfilled')) problems.push('no move succeeded');
    const stages = Object.values((await sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {});
    const count = (label) => stages.filter((s) => s.includes(label)).length;
    if (count('AWSCURRENT') !== 1) problems.push(`AWSCURRENT on ${count('AWSCURRENT')} versions`);
    if (count('AWSPREVIOUS') > 1) problems.push(`AWSPREVIOUS on ${count('AWSPREVIOUS')} versions`);
    if (count('RACE') !== 1) problems.push(`RACE on ${count('RACE')} versions`);
    return problems;
  },

  async 'RotateSecret with readers'(sm, _ssm, note) {
    const name = `race/rotate/${randomUUID()}`;
    await sm.send(new CreateSecretCommand({ Name: name, SecretString: 'before-rotation' }));
    const rotations = Array.from({ length: 6 }, () =>
      sm.send(
        new RotateSecretCommand({
          SecretId: name,
          RotationLambdaARN: ROTATION_FN,
          ClientRequestToken: randomUUID(),
          RotateImmediately: true,
        }),
      ),
    );
    const reads = Array.from({ length: 20 }, () => sm.send(new GetSecretValueCommand({ SecretId: name })));
    const [rotated, read] = await Promise.all([settle(rotations), settle(reads)]);
    note(rotated);
    const problems = [];
    for (const r of rotated) {
      if (r.status === 'rejected' && errorName(r) !== 'InvalidRequestException') problems.push(`a rotation failed with ${errorName(r)}`);
    }
    const winners = rotated.filter((r) => r.status === 'fulfilled').map((r) => r.value.VersionId);
    if (winners.length < 1) problems.push('no rotation succeeded');
    for (const r of read) {
      if (r.status === 'rejected') problems.push(`a reader failed with ${errorName(r)}`);
      else if (r.value.SecretString !== 'before-rotation' && !/^rotated-/.test(r.value.SecretString ?? ''))
        problems.push('a reader saw an unexpected value');
    }
    const stages = (await sm.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages ?? {};
    const current = Object.entries(stages).filter(([, s]) => s.includes('AWSCURRENT'));
    if (current.length !== 1) problems.push(`AWSCURRENT on ${current.length} versions`);
    else {
      const value = (await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString;
      if (value !== `rotated-${current[0][0]}` || !winners.includes(current[0][0]))
        problems.push('AWSCURRENT is not a successful rotation’s version');
    }
    if (Object.values(stages).some((s) => s.includes('AWSPENDING'))) problems.push('AWSPENDING left behind');
    return problems;
  },
};

export async function run({ quick }) {
  const rounds = quick ? 3 : 30;
  const dir = mkdtempSync(join(tmpdir(), 'parasol-stress-races-'));
  writeFileSync(join(dir, 'functions.json'), JSON.stringify({ [ROTATION_FN]: FIXTURE }));
  const serve = await startServe(['--data', join(dir, 'data'), '--functions', join(dir, 'functions.json')]);
  const rows = [];
  const failures = [];
  let total = 0;
  try {
    const sm = smClient(serve.url);
    const ssm = ssmClient(serve.url);
    for (const [race, fn] of Object.entries(RACES)) {
      let failed = 0;
      const outcomes = new Map();
      const note = (results) => {
        for (const r of results) outcomes.set(errorName(r), (outcomes.get(errorName(r)) ?? 0) + 1);
      };
      for (let round = 1; round <= rounds; round++) {
        total++;
        let problems;
        try {
          problems = await fn(sm, ssm, note);
        } catch (e) {
          problems = [`set-up or check failed: ${e.name}: ${e.message}`];
        }
        if (problems.length) {
          failed++;
          failures.push(`${race}, round ${round}: ${problems.slice(0, 3).join('; ')}`);
        }
      }
      rows.push([race, rounds, [...outcomes].map(([k, n]) => `${k} ${n}`).join(', '), failed]);
    }
  } finally {
    await stopChild(serve.child);
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    name: 'concurrency races',
    pass: failures.length === 0,
    summary: `${total} races (${Object.keys(RACES).length} kinds × ${rounds} rounds), ${failures.length} broke an invariant`,
    details: [
      'One `parasol serve --data DIR --functions FILE` (the rotation function is packages/local/test/fixtures/rotation-function.ts, run as Secrets Manager runs Lambda). What each race asserts is in bench/stress/races.mjs.',
      '',
      ...table(['race', 'rounds', 'answers to the racing calls', 'rounds that broke an invariant'], rows),
      ...failures.slice(0, 20).map((f) => `- ${f}`),
    ],
  };
}
