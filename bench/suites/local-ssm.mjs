// Parameter Store in `parasol serve` (built code, durable store): GetParameter
// (String), GetParameter (SecureString, WithDecryption) and a recursive
// GetParametersByPath walk over 1,000 parameters, driven by SigV4-signed SDK v3
// clients from a separate process. Baseline in the same run: a bare node:http
// server answering a body the size of a GetParameter response.
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startBaseline } from '../lib/baseline.mjs';
import { round, runLoad } from '../lib/load.mjs';
import { presignedTarget, startServe } from '../lib/parasol.mjs';
import { secureName, stringName } from '../targets/ssm-client.mjs';

const TARGET = fileURLToPath(new URL('../targets/ssm-client.mjs', import.meta.url));
const COUNT = 1000;
const CONCURRENCY = 16;
const DURATION_MS = 5000;
const WARMUP_MS = 1000;

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

/** A GetParameter response body of the same size as parasol's for the String case. */
function sampleGetParameterBody() {
  return JSON.stringify({
    Parameter: {
      Name: stringName(123),
      Type: 'String',
      Value: `value-123-${'x'.repeat(40)}`,
      Version: 1,
      LastModifiedDate: 1763942400.123,
      ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${stringName(123)}`,
      DataType: 'text',
    },
  });
}

export async function run() {
  const dataDir = await mkdtemp(join(tmpdir(), 'parasol-bench-ssm-'));
  const serve = await startServe(['--data', dataDir]);
  const baseline = await startBaseline({ body: sampleGetParameterBody(), contentType: 'application/x-amz-json-1.1' });
  try {
    await seed(serve.url);
    const load = (target) => runLoad({ target, concurrency: CONCURRENCY, durationMs: DURATION_MS, warmupMs: WARMUP_MS });
    const base = await load({ kind: 'http', url: `${baseline.url}/`, method: 'POST', body: '{}' });
    const cases = [
      ['GetParameter (String)', 'get-string', 1],
      ['GetParameter (SecureString, WithDecryption)', 'get-secure', 1],
      [`GetParametersByPath walk (recursive, ${COUNT} params, 10/page)`, 'by-path', COUNT / 10],
    ];
    const rows = [
      {
        case: 'node:http baseline (fixed body, unsigned)',
        'ops/s': round(base.opsPerSec, 0),
        'requests/s': round(base.opsPerSec, 0),
        'p50 ms': round(base.p50Ms),
        'p99 ms': round(base.p99Ms),
        'vs baseline': '1.00',
        errors: base.errors,
      },
    ];
    const replay = await load(await presignedTarget(serve.url, 'ssm', 'GetParameter', { Name: stringName(123) }));
    rows.push({
      case: 'GetParameter (String), one pre-signed request replayed (service cost only, no SDK)',
      'ops/s': round(replay.opsPerSec, 0),
      'requests/s': round(replay.opsPerSec, 0),
      'p50 ms': round(replay.p50Ms),
      'p99 ms': round(replay.p99Ms),
      'vs baseline': (replay.opsPerSec / base.opsPerSec).toFixed(2),
      errors: replay.errors,
    });
    for (const [title, op, requestsPerOp] of cases) {
      const r = await load({ kind: 'module', path: TARGET, options: { endpoint: serve.url, op, count: COUNT, concurrency: CONCURRENCY } });
      const requestsPerSec = r.opsPerSec * requestsPerOp;
      rows.push({
        case: title,
        'ops/s': round(r.opsPerSec, r.opsPerSec < 100 ? 1 : 0),
        'requests/s': round(requestsPerSec, 0),
        'p50 ms': round(r.p50Ms),
        'p99 ms': round(r.p99Ms),
        'vs baseline': (requestsPerSec / base.opsPerSec).toFixed(2),
        errors: r.errors,
      });
    }
    return [
      {
        title: `Parameter Store (parasol serve, durable store, ${CONCURRENCY} concurrent SDK v3 clients, ${COUNT} String + ${COUNT} SecureString parameters)`,
        columns: ['case', 'ops/s', 'requests/s', 'p50 ms', 'p99 ms', 'vs baseline', 'errors'],
        rows,
        notes: [
          'Load from a separate process: one SSMClient (SigV4 signing, keep-alive agent, 16 sockets) with 16 concurrent loops; the baseline is driven by plain keep-alive HTTP without signing or SDK parsing, so the ratio includes client-side SDK cost.',
          `"vs baseline" compares requests/s; a by-path op is a full walk of ${COUNT / 10} pages, its p50/p99 are per walk.`,
          `${DURATION_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up per case.`,
        ],
      },
    ];
  } finally {
    serve.stop();
    baseline.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
