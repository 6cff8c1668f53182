// Secrets Manager in `parasol serve` (built code), on the in-memory store and on
// the durable store (--data in a temp dir: WAL, synchronous=FULL).
//
// Throughput (wrk): one GetSecretValue request signed once (SigV4, the SDK's
// signer) and replayed byte for byte by wrk — the server's own cost: verify the
// signature, read SQLite, decrypt, render — against a bare node:http server
// sending the same response bytes, in alternating rounds of the same run.
// Targets: ≥ 0.40 of the bare server in memory, ≥ 0.35 with --data.
//
// End to end (informational, not a server figure): 16 concurrent SDK v3 clients
// signing every request, GetSecretValue and PutSecretValue, from the Node.js
// load worker; on 2 cores these rows are bounded by the SDK client's own CPU.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startBaseline } from '../lib/baseline.mjs';
import { round, runLoad } from '../lib/load.mjs';
import { fetchOnce, presignedTarget, startServe } from '../lib/parasol.mjs';
import { ceilingNotes, generatorCeiling, pairedRounds, requireWrk, roundNotes, WRK_COLUMNS, wrkRow } from '../lib/wrk.mjs';
import { READ_SECRET, SECRET_VALUE, WRITE_SECRETS, writeSecretName } from '../targets/sm-client.mjs';

const TARGET = fileURLToPath(new URL('../targets/sm-client.mjs', import.meta.url));
const CONCURRENCY = 16;
const ROUNDS = 5;
const ROUND_MS = 3000;
const SDK_MS = 3000;
const STORES = [
  { store: 'in-memory', args: ['--in-memory'], target: 0.4 },
  { store: '--data (WAL, sync=FULL)', args: ['--data'], target: 0.35 },
];

async function seed(url) {
  const client = new SecretsManagerClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) },
  });
  await client.send(new CreateSecretCommand({ Name: READ_SECRET, SecretString: SECRET_VALUE }));
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < WRITE_SECRETS)
        await client.send(new CreateSecretCommand({ Name: writeSecretName(next++), SecretString: SECRET_VALUE }));
    }),
  );
  client.destroy();
}

export async function run() {
  requireWrk();
  const ceiling = await generatorCeiling();
  const rows = [];
  const notes = [];
  const fastest = [];
  const sdkRows = [];
  for (const { store, args, target } of STORES) {
    const dataDir = args[0] === '--data' ? await mkdtemp(join(tmpdir(), 'parasol-bench-sm-')) : undefined;
    const serve = await startServe(dataDir ? ['--data', dataDir] : args);
    try {
      await seed(serve.url);
      const presigned = await presignedTarget(serve.url, 'secretsmanager', 'GetSecretValue', { SecretId: READ_SECRET });
      const body = await fetchOnce(presigned);
      const base = await startBaseline({ body, contentType: 'application/x-amz-json-1.1' });
      try {
        const p = await pairedRounds({
          target: { ...presigned, serverPid: serve.pid },
          baseline: { url: `${base.url}/`, method: 'POST', body: '{}', serverPid: base.pid },
          rounds: ROUNDS,
          durationMs: ROUND_MS,
        });
        const name = `GetSecretValue, one pre-signed request replayed (${store})`;
        rows.push(wrkRow(name, p.mid.run, `${round(p.ratio, 3)} (median of rounds)`));
        rows.push(wrkRow(`baseline node:http, same ${body.length} B (${store} run)`, p.mid.base, '1'));
        fastest.push(
          { name: `baseline (${store} run)`, opsPerSec: Math.max(...p.rounds.map((r) => r.base.opsPerSec)) },
          { name, opsPerSec: Math.max(...p.rounds.map((r) => r.run.opsPerSec)) },
        );
        notes.push(
          `target: ${store} GetSecretValue ≥ ${target.toFixed(2)} of the bare server: ${p.ratio >= target ? 'met' : 'NOT met'} (median ratio ${round(p.ratio, 3)})`,
          ...roundNotes(p.rounds).map((n) => `${store}, ${n}`),
        );
      } finally {
        base.stop();
      }
      for (const op of ['GetSecretValue', 'PutSecretValue']) {
        const r = await runLoad({
          target: { kind: 'module', path: TARGET, options: { url: serve.url, op, concurrency: CONCURRENCY } },
          concurrency: CONCURRENCY,
          durationMs: SDK_MS,
          warmupMs: 500,
        });
        sdkRows.push({
          operation: op,
          store,
          'ops/s': round(r.opsPerSec, 0),
          'p50 ms': round(r.p50Ms),
          'p99 ms': round(r.p99Ms),
          errors: r.errors,
        });
      }
    } finally {
      serve.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  }
  return [
    {
      title: 'Local Secrets Manager (parasol serve): GetSecretValue throughput, wrk',
      columns: WRK_COLUMNS,
      rows,
      notes: [
        `${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s per store (the bare server, then parasol serve; after a 1 s warm-up of each), the round with the median ratio shown; the baseline answers every POST with the exact bytes parasol serve answers GetSecretValue with`,
        'the replayed request is signed once with @smithy/signature-v4 (test credentials, us-east-1): parasol serve verifies its signature, hashes its body, reads SQLite and decrypts the value on every request',
        ...notes,
        ...ceilingNotes(ceiling, fastest),
      ],
    },
    {
      title: `Local Secrets Manager (parasol serve): ${CONCURRENCY} concurrent SDK v3 clients (end to end, informational)`,
      columns: ['operation', 'store', 'ops/s', 'p50 ms', 'p99 ms', 'errors'],
      rows: sdkRows,
      notes: [
        `${SDK_MS / 1000} s after 0.5 s warm-up per row, load from a separate Node.js process; every request signed (SigV4) by the SDK and verified by the server.`,
        `PutSecretValue rotates over ${WRITE_SECRETS} secrets (AWS caps a secret at 100 versions younger than 24 h).`,
        'Not a server throughput figure: on 2 cores the SDK client (signing, middleware, parsing) and the server share the CPU, and the client costs more per request than the server does; the wrk table above measures the server.',
      ],
    },
  ];
}
