// Durability under `kill -9`: `parasol serve --data DIR` takes concurrent writers
// (SDK v3 PutSecretValue and PutParameter --overwrite), is killed with SIGKILL
// at a random moment, restarted on the same directory, and every write it had
// acknowledged (a 200 reached the writer) is read back, value and version.
// The directory is kept across trials, so each restart also reopens everything
// earlier trials left behind.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { startServe } from '../lib/parasol.mjs';
import { sleep, smClient, ssmClient, stopChild, table } from './common.mjs';

/** Writers of each kind per trial. */
const WRITERS = 4;
/** Below the 100-version caps of both services: a writer moves to a fresh secret or parameter after this many versions. */
const VERSIONS_PER_RESOURCE = 90;

export async function run({ quick }) {
  const trials = quick ? 5 : 25;
  const dir = mkdtempSync(join(tmpdir(), 'parasol-stress-kill9-'));
  const rows = [];
  const failures = [];
  let acknowledged = 0;
  let attempted = 0;
  try {
    for (let trial = 1; trial <= trials; trial++) {
      const result = await oneTrial(dir, trial);
      acknowledged += result.acknowledged;
      attempted += result.attempted;
      rows.push([trial, result.killAfterMs, result.attempted, result.acknowledged, result.lost.length]);
      for (const l of result.lost) failures.push(`trial ${trial}: ${l}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const pass = failures.length === 0 && acknowledged > 0;
  return {
    name: 'kill -9 durability',
    pass,
    summary: `${trials} trials, ${acknowledged} acknowledged writes (of ${attempted} attempted), ${failures.length} lost or wrong`,
    details: [
      `${WRITERS} PutSecretValue writers and ${WRITERS} PutParameter --overwrite writers per trial, SIGKILL after a random 50-250 acknowledged writes (30 s at most), whatever is in flight then; after each restart on the same \`--data\` directory every acknowledged write is read back by version (GetSecretValue VersionId, GetParameter name:version) and compared with the value sent.`,
      '',
      ...table(['trial', 'killed after ms', 'writes attempted', 'acknowledged', 'lost or wrong'], rows),
      ...failures.slice(0, 20).map((f) => `- ${f}`),
    ],
  };
}

async function oneTrial(dir, trial) {
  let serve = await startServe(['--data', dir]);
  const sm = smClient(serve.url);
  const ssm = ssmClient(serve.url);
  const acked = []; // { kind, id, version, value }
  let attempted = 0;
  let stop = false;

  async function secretWriter(w) {
    let name;
    let versions = VERSIONS_PER_RESOURCE;
    for (let k = 0; !stop; k++) {
      if (versions >= VERSIONS_PER_RESOURCE) {
        name = `kill9/t${trial}/w${w}/${randomUUID()}`;
        const value = `t${trial}-w${w}-created-${k}`;
        attempted++;
        try {
          const out = await sm.send(new CreateSecretCommand({ Name: name, SecretString: value }));
          acked.push({ kind: 'secret', id: name, version: out.VersionId, value });
          versions = 1;
        } catch {
          return; // the server is gone
        }
        continue;
      }
      const value = `t${trial}-w${w}-v${k}-${'x'.repeat(k % 64)}`;
      attempted++;
      try {
        const out = await sm.send(new PutSecretValueCommand({ SecretId: name, SecretString: value, ClientRequestToken: randomUUID() }));
        acked.push({ kind: 'secret', id: name, version: out.VersionId, value });
        versions++;
      } catch {
        return;
      }
    }
  }

  async function parameterWriter(w) {
    let name;
    let versions = VERSIONS_PER_RESOURCE;
    for (let k = 0; !stop; k++) {
      if (versions >= VERSIONS_PER_RESOURCE) {
        name = `/kill9/t${trial}/w${w}/${randomUUID()}`;
        versions = 0;
      }
      const value = `t${trial}-w${w}-v${k}`;
      attempted++;
      try {
        const out = await ssm.send(
          new PutParameterCommand({ Name: name, Value: value, Type: k % 2 ? 'SecureString' : 'String', Overwrite: true }),
        );
        acked.push({ kind: 'parameter', id: name, version: out.Version, value });
        versions++;
      } catch {
        return;
      }
    }
  }

  const writers = [];
  for (let w = 0; w < WRITERS; w++) writers.push(secretWriter(w), parameterWriter(w));
  // Killed at a random point measured in acknowledged writes (so a loaded machine still
  // gives every trial a real volume), or after 30 s at the latest.
  const killAfterAcks = 50 + Math.floor(Math.random() * 200);
  const started = Date.now();
  while (acked.length < killAfterAcks && Date.now() - started < 30_000) await sleep(5);
  const killAfterMs = Date.now() - started;
  await stopChild(serve.child, 'SIGKILL');
  stop = true;
  await Promise.all(writers);

  serve = await startServe(['--data', dir]);
  const lost = [];
  try {
    const sm2 = smClient(serve.url);
    const ssm2 = ssmClient(serve.url);
    const check = async (a) => {
      try {
        if (a.kind === 'secret') {
          const out = await sm2.send(new GetSecretValueCommand({ SecretId: a.id, VersionId: a.version }));
          if (out.SecretString !== a.value) lost.push(`${a.id} ${a.version}: read back a different value`);
        } else {
          const out = await ssm2.send(new GetParameterCommand({ Name: `${a.id}:${a.version}`, WithDecryption: true }));
          if (out.Parameter?.Value !== a.value) lost.push(`${a.id}:${a.version}: read back a different value`);
        }
      } catch (e) {
        lost.push(`${a.id} ${a.version}: ${e.name}`);
      }
    };
    for (let i = 0; i < acked.length; i += 16) await Promise.all(acked.slice(i, i + 16).map(check));
  } finally {
    await stopChild(serve.child);
  }
  return { killAfterMs, attempted, acknowledged: acked.length, lost };
}
