// Parameter Store in `parasol serve` (built code, durable store: --data in a
// temp dir, WAL, synchronous=FULL), 1,000 String + 1,000 SecureString parameters.
//
// Throughput (wrk): GetParameter (String) and GetParameter (SecureString,
// WithDecryption), each one request signed once and replayed byte for byte —
// the server's own cost — against a bare node:http server sending the same
// response bytes, alternating rounds in the same run. Target: ≥ 0.40 each.
//
// End to end (informational): a recursive GetParametersByPath walk by an SDK v3
// client (10 per page), from the Node.js load worker.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startBaseline } from '../lib/baseline.mjs';
import { round, runLoad } from '../lib/load.mjs';
import { fetchOnce, presignedTarget, startServe } from '../lib/parasol.mjs';
import { ceilingNotes, generatorCeiling, pairedRounds, requireWrk, roundNotes, WRK_COLUMNS, wrkRow } from '../lib/wrk.mjs';
import { secureName, stringName } from '../targets/ssm-client.mjs';

const TARGET = fileURLToPath(new URL('../targets/ssm-client.mjs', import.meta.url));
const COUNT = 1000;
const CONCURRENCY = 16;
const ROUNDS = 5;
const ROUND_MS = 3000;
const WALK_MS = 3000;
const TARGET_RATIO = 0.4;

async function seed(url) {
  const client = new SSMClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }) },
  });
  const puts = [];
  for (let i = 0; i < COUNT; i++) {
    puts.push({ Name: stringName(i), Value: `value-${i}-${'x'.repeat(40)}`, Type: 'String' });
    puts.push({ Name: secureName(i), Value: `secret-${i}-${'y'.repeat(40)}`, Type: 'SecureString' });
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < puts.length) await client.send(new PutParameterCommand(puts[next++]));
    }),
  );
  client.destroy();
}

export async function run() {
  requireWrk();
  const dataDir = await mkdtemp(join(tmpdir(), 'parasol-bench-ssm-'));
  const serve = await startServe(['--data', dataDir]);
  try {
    await seed(serve.url);
    const ceiling = await generatorCeiling();
    const rows = [];
    const notes = [];
    const fastest = [];
    for (const [label, input] of [
      ['GetParameter (String)', { Name: stringName(123) }],
      ['GetParameter (SecureString, WithDecryption)', { Name: secureName(123), WithDecryption: true }],
    ]) {
      const presigned = await presignedTarget(serve.url, 'ssm', 'GetParameter', input);
      const body = await fetchOnce(presigned);
      const base = await startBaseline({ body, contentType: 'application/x-amz-json-1.1' });
      try {
        const p = await pairedRounds({
          target: { ...presigned, serverPid: serve.pid },
          baseline: { url: `${base.url}/`, method: 'POST', body: '{}', serverPid: base.pid },
          rounds: ROUNDS,
          durationMs: ROUND_MS,
        });
        const name = `${label}, one pre-signed request replayed`;
        rows.push(wrkRow(name, p.mid.run, `${round(p.ratio, 3)} (median of rounds)`));
        rows.push(wrkRow(`baseline node:http, same ${body.length} B`, p.mid.base, '1'));
        fastest.push(
          { name: `baseline (${label})`, opsPerSec: Math.max(...p.rounds.map((r) => r.base.opsPerSec)) },
          { name, opsPerSec: Math.max(...p.rounds.map((r) => r.run.opsPerSec)) },
        );
        notes.push(
          `target: ${label} ≥ ${TARGET_RATIO.toFixed(2)} of the bare server: ${p.ratio >= TARGET_RATIO ? 'met' : 'NOT met'} (median ratio ${round(p.ratio, 3)})`,
          ...roundNotes(p.rounds).map((n) => `${label}, ${n}`),
        );
      } finally {
        base.stop();
      }
    }
    const walk = await runLoad({
      target: { kind: 'module', path: TARGET, options: { endpoint: serve.url, op: 'by-path', count: COUNT, concurrency: CONCURRENCY } },
      concurrency: CONCURRENCY,
      durationMs: WALK_MS,
      warmupMs: 500,
    });
    return [
      {
        title: `Parameter Store (parasol serve, durable store, ${COUNT} String + ${COUNT} SecureString parameters): GetParameter throughput, wrk`,
        columns: WRK_COLUMNS,
        rows,
        notes: [
          `${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s per case (the bare server, then parasol serve; after a 1 s warm-up of each), the round with the median ratio shown; the baseline answers every POST with the exact bytes parasol serve answers that GetParameter with`,
          ...notes,
          ...ceilingNotes(ceiling, fastest),
        ],
      },
      {
        title: 'Parameter Store: GetParametersByPath walk by SDK v3 clients (end to end, informational)',
        columns: ['case', 'walks/s', 'requests/s', 'p50 ms per walk', 'p99 ms per walk', 'errors'],
        rows: [
          {
            case: `recursive walk of ${COUNT} String parameters, 10 per page, ${CONCURRENCY} concurrent walkers`,
            'walks/s': round(walk.opsPerSec, 1),
            'requests/s': round((walk.opsPerSec * COUNT) / 10, 0),
            'p50 ms per walk': round(walk.p50Ms),
            'p99 ms per walk': round(walk.p99Ms),
            errors: walk.errors,
          },
        ],
        notes: [`${WALK_MS / 1000} s after 0.5 s warm-up; SDK clients sign every request; bounded by the client's CPU on 2 cores.`],
      },
    ];
  } finally {
    serve.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
