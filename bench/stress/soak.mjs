// Soak: each server under steady mixed load for 10 minutes (1 with --quick),
// both at once, with its resident set size sampled every 5 s from /proc.
//
// Flat means: after a warm-up (the first fifth of the run), the end RSS (the
// median of the last five samples) is at most 1.2 × the RSS at the end of the
// warm-up. A leak of even a few hundred bytes per request grows past that over
// the run; a heap that merely breathes between collections does not. Every
// request must also succeed (or fail exactly as expected, for the missing names).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { round, runLoad } from '../lib/load.mjs';
import { startServe } from '../lib/parasol.mjs';
import { alive, rssMiB, sleep, smClient, ssmClient, startExtension, stopChild, table } from './common.mjs';

const LOAD_MODULE = fileURLToPath(new URL('./soak-load.mjs', import.meta.url));
const SAMPLE_MS = 5000;
const GROWTH_LIMIT = 1.2;
const CONCURRENCY = 4;
/** More keys than the extension's default cache (1,000 entries) holds. */
const EXT_SECRETS = 1200;
const EXT_PARAMETERS = 300;

export async function run({ quick }) {
  const durationMs = quick ? 60_000 : 600_000;
  const dir = mkdtempSync(join(tmpdir(), 'parasol-stress-soak-'));
  // The upstream of the extension under soak is a server of its own, so the two soaks measure one process each.
  const serve = await startServe(['--data', join(dir, 'serve')]);
  const upstream = await startServe(['--in-memory']);
  let ext;
  try {
    await seedServe(serve.url);
    await seedUpstream(upstream.url);
    ext = await startExtension(upstream.url, { SECRETS_MANAGER_TTL: '2', SSM_PARAMETER_STORE_TTL: '2' });
    const results = await Promise.all([
      soakOne(
        'parasol serve (--data)',
        serve,
        { kind: 'module', path: LOAD_MODULE, options: { kind: 'serve', endpoint: serve.url } },
        durationMs,
      ),
      soakOne(
        'parasol extension (TTL 2 s, 1,500 keys over a 1,000-entry cache)',
        ext,
        {
          kind: 'module',
          path: LOAD_MODULE,
          options: { kind: 'extension', url: ext.url, headers: ext.headers, secrets: EXT_SECRETS, parameters: EXT_PARAMETERS },
        },
        durationMs,
      ),
    ]);
    const pass = results.every((r) => r.pass);
    return {
      name: 'soak',
      pass,
      summary: results
        .map((r) => `${r.name.split(' (')[0]}: RSS ${r.start} → ${r.end} MiB (max ${r.max}), ${r.requests} requests, ${r.errors} errors`)
        .join('; '),
      details: [
        `${durationMs / 60_000} min per server, both at once, ${CONCURRENCY} concurrent requests each from a separate load process; RSS sampled every ${SAMPLE_MS / 1000} s. Flat = end (median of the last 5 samples) ≤ ${GROWTH_LIMIT} × the RSS at the end of the warm-up (the first fifth of the run). The load is bench/stress/soak-load.mjs.`,
        '',
        ...table(
          ['server', 'RSS at start MiB', 'after warm-up MiB', 'end MiB', 'max MiB', 'requests', 'errors', 'flat'],
          results.map((r) => [r.name, r.first, r.start, r.end, r.max, r.requests, r.errors, r.flat ? 'yes' : 'NO']),
        ),
      ],
    };
  } finally {
    if (ext) await ext.stop();
    await stopChild(serve.child);
    await stopChild(upstream.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function soakOne(name, proc, target, durationMs) {
  const samples = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling && alive(proc.child)) {
      samples.push({ at: Date.now(), rss: rssMiB(proc.pid) });
      await sleep(SAMPLE_MS);
    }
  })();
  const started = Date.now();
  const load = await runLoad({ target, concurrency: CONCURRENCY, durationMs, warmupMs: 0 });
  sampling = false;
  await sampler;
  const warmEnd = started + durationMs / 5;
  const start = samples.find((s) => s.at >= warmEnd)?.rss ?? samples[0].rss;
  const last = samples
    .slice(-5)
    .map((s) => s.rss)
    .sort((a, b) => a - b);
  const end = last[Math.floor(last.length / 2)];
  const flat = end <= start * GROWTH_LIMIT;
  const stillAlive = alive(proc.child);
  return {
    name,
    first: round(samples[0].rss, 1),
    start: round(start, 1),
    end: round(end, 1),
    max: round(Math.max(...samples.map((s) => s.rss)), 1),
    requests: load.requests,
    errors: load.errors,
    flat,
    pass: flat && load.errors === 0 && stillAlive && load.requests > 0,
  };
}

async function seedServe(url) {
  const sm = smClient(url);
  const ssm = ssmClient(url);
  for (let i = 0; i < 50; i++) {
    await sm.send(new CreateSecretCommand({ Name: `soak/secret-${i}`, SecretString: randomUUID().repeat(10) }));
    await ssm.send(new PutParameterCommand({ Name: `/soak/param-${i}`, Value: randomUUID(), Type: 'SecureString' }));
  }
}

async function seedUpstream(url) {
  const sm = smClient(url);
  const ssm = ssmClient(url);
  const jobs = [];
  for (let i = 0; i < EXT_SECRETS; i++)
    jobs.push(() => sm.send(new CreateSecretCommand({ Name: `soak/ext-${i}`, SecretString: 'x'.repeat(1024) })));
  for (let i = 0; i < EXT_PARAMETERS; i++)
    jobs.push(() => ssm.send(new PutParameterCommand({ Name: `/soak/ext-${i}`, Value: randomUUID(), Type: 'String' })));
  for (let i = 0; i < jobs.length; i += 16) await Promise.all(jobs.slice(i, i + 16).map((j) => j()));
}
