// Child process of runLoad() and runInterleaved(): issues requests with N
// concurrent loops (or one loop over several targets in turn) for a fixed time
// and reports throughput and latency percentiles. Bounded in time.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { percentile } from './load.mjs';

process.once('message', async ({ target, targets, concurrency, durationMs, warmupMs }) => {
  try {
    if (targets) {
      process.send({ result: await interleave(targets, durationMs, warmupMs) });
      return;
    }
    const once = await makeOnce(target, concurrency);
    await drive(once, concurrency, warmupMs, null);
    const latencies = [];
    const stats = { requests: 0, errors: 0 };
    const started = performance.now();
    await drive(once, concurrency, durationMs, { latencies, stats });
    const elapsed = (performance.now() - started) / 1000;
    process.send({ result: { ...summarize(latencies, stats.errors), opsPerSec: stats.requests / elapsed } });
  } catch (e) {
    process.send({ error: e instanceof Error ? e.stack : String(e) });
  }
});

/**
 * One request at a time, taking the targets in turn (a, b, c, a, b, c, ...), so a
 * drift in the machine's load touches every target alike; latencies per target.
 */
async function interleave(targets, durationMs, warmupMs) {
  const onces = [];
  for (const t of targets) onces.push(await makeOnce(t, 1));
  const latencies = targets.map(() => []);
  const errors = targets.map(() => 0);
  const warmupEnds = performance.now() + warmupMs;
  const deadline = warmupEnds + durationMs;
  for (let turn = 0; performance.now() < deadline; turn++) {
    const i = turn % onces.length;
    const t0 = performance.now();
    try {
      await onces[i]();
      if (t0 >= warmupEnds) latencies[i].push(performance.now() - t0);
    } catch {
      errors[i]++;
    }
  }
  return latencies.map((l, i) => summarize(l, errors[i]));
}

function summarize(latencies, errors) {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
  };
}

async function drive(once, concurrency, ms, record) {
  const deadline = performance.now() + ms;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await once();
        if (record) {
          record.latencies.push(performance.now() - t0);
          record.stats.requests++;
        }
      } catch {
        if (record) record.stats.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}

async function makeOnce(target, concurrency) {
  if (target.kind === 'module') {
    const mod = await import(pathToFileURL(target.path).href);
    return mod.setup(target.options ?? {});
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(target.url);
  const body = target.body === undefined ? undefined : Buffer.from(target.body);
  const headers = { ...(target.headers ?? {}) };
  if (body) headers['content-length'] = body.length;
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method: target.method ?? 'GET', headers, agent },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode && res.statusCode < 400 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}
