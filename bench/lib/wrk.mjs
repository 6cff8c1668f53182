// Throughput load from `wrk` (C, epoll; Debian package `wrk`, installed by
// scripts/setup.sh), so the load generator is never the bottleneck: a Node.js
// load generator on this machine saturates below the bare node:http server it
// is meant to measure.
//
//   wrkRun({ url, method?, headers?, body?, durationMs, connections?, threads?, serverPid? })
//     -> { requests, errors, opsPerSec, p50Ms, p99Ms, meanMs, wrkCpuS, serverCpuS }
//   pairedRounds({ target, baseline, rounds, ... }) -> alternating rounds, every round kept
//   generatorCeiling() -> wrk against a bare node:http server doing no work, with wrk's CPU cost
//
// Each request's method, headers and body come from a Lua script written per
// target (a pre-signed SigV4 request is replayed byte for byte). The script's
// done() prints one JSON line with wrk's own counts and percentiles, and the
// CPU time wrk itself used (from /proc/self/stat), which bounds what wrk could
// generate with a core to itself.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Connections and threads for every throughput row: one wrk thread, the server one core, on 2 cores. */
export const WRK = { connections: 32, threads: 1 };
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Throws a clear error when wrk is missing (scripts/setup.sh installs it). */
export function requireWrk() {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) throw new Error('wrk is not installed: run scripts/setup.sh (Debian package wrk)');
}

const luaString = (s) => `"${Buffer.from(String(s)).toString('hex').replace(/../g, '\\x$&')}"`;

function script({ method = 'GET', headers = {}, body }) {
  const lines = [`wrk.method = ${luaString(method)}`];
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === 'host' || k.toLowerCase() === 'content-length') continue; // wrk sends both itself
    lines.push(`wrk.headers[${luaString(k)}] = ${luaString(v)}`);
  }
  if (body !== undefined) lines.push(`wrk.body = ${luaString(body)}`);
  lines.push(`
function cpu_ticks()
  local f = io.open("/proc/self/stat", "r")
  local s = f:read("*a")
  f:close()
  local rest = s:sub(s:find(")", 1, true) + 2)
  local fields = {}
  for w in rest:gmatch("%S+") do fields[#fields + 1] = w end
  return tonumber(fields[12]) + tonumber(fields[13])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"durationUs":%d,"errors":%d,"statusErrors":%d,"p50Us":%d,"p99Us":%d,"meanUs":%.1f,"cpuTicks":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.mean, cpu_ticks()))
end`);
  return `${lines.join('\n')}\n`;
}

function cpuTicks(pid) {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/** One wrk run against `url`; `serverPid` (optional) also measures the server's CPU time over the run. */
export async function wrkRun({ url, method, headers, body, durationMs, connections = WRK.connections, threads = WRK.threads, serverPid }) {
  const dir = mkdtempSync(join(tmpdir(), 'parasol-wrk-'));
  const file = join(dir, 'request.lua');
  writeFileSync(file, script({ method, headers, body }));
  const before = cpuTicks(serverPid);
  try {
    const out = await new Promise((resolve, reject) => {
      const child = spawn(
        'wrk',
        [`-t${threads}`, `-c${connections}`, `-d${Math.max(1, Math.round(durationMs / 1000))}s`, '--timeout', '5s', '-s', file, url],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`))));
    });
    const after = cpuTicks(serverPid);
    const m = out.match(/WRKJSON (\{.*\})/);
    if (!m) throw new Error(`wrk printed no summary: ${out}`);
    const r = JSON.parse(m[1]);
    const seconds = r.durationUs / 1e6;
    return {
      requests: r.requests,
      errors: r.errors + r.statusErrors,
      opsPerSec: r.requests / seconds,
      p50Ms: r.p50Us / 1000,
      p99Ms: r.p99Us / 1000,
      meanMs: r.meanUs / 1000,
      wrkCpuS: r.cpuTicks / TICKS_PER_SECOND,
      serverCpuS: before === undefined || after === undefined ? undefined : (after - before) / TICKS_PER_SECOND,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * `rounds` alternating runs of the baseline, then the target (each `durationMs`),
 * after one short warm-up run of each. Every round is kept; the ratios are
 * per round (target ÷ the baseline of the same round), their medians reported.
 */
export async function pairedRounds({ target, baseline, rounds = 5, durationMs = 3000, warmupMs = 1000 }) {
  await wrkRun({ ...baseline, durationMs: warmupMs });
  await wrkRun({ ...target, durationMs: warmupMs });
  const all = [];
  for (let i = 0; i < rounds; i++) {
    const base = await wrkRun({ ...baseline, durationMs });
    const run = await wrkRun({ ...target, durationMs });
    all.push({ base, run, ratio: run.opsPerSec / base.opsPerSec, p99Ratio: run.p99Ms / base.p99Ms });
  }
  const byRatio = [...all].sort((a, b) => a.ratio - b.ratio);
  return {
    rounds: all,
    ratio: median(all.map((r) => r.ratio)),
    p99Ratio: median(all.map((r) => r.p99Ratio)),
    /** The round whose throughput ratio is the median (odd `rounds`): its absolute figures are shown. */
    mid: byRatio[Math.floor(byRatio.length / 2)],
  };
}

const NO_WORK = `require('node:http').createServer((q, s) => { q.resume(); s.end(); }).listen(0, '127.0.0.1', function () { console.log('listening on http://127.0.0.1:' + this.address().port); });`;

/**
 * The load generator's own ceiling: wrk against a bare node:http server that
 * does no work (empty 200). `capacity` is what wrk could generate with a core
 * to itself: requests per second of wrk's own CPU time in that run.
 */
export async function generatorCeiling(durationMs = 3000) {
  const child = spawn(process.execPath, ['-e', NO_WORK], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise((resolve, reject) => {
      child.stdout.once('data', (d) => {
        const m = String(d).match(/listening on (\S+)/);
        if (m) resolve(m[1]);
        else reject(new Error(`no-work server did not start: ${d}`));
      });
      child.once('exit', (code) => reject(new Error(`no-work server exited ${code}`)));
    });
    await wrkRun({ url, durationMs: 1000 });
    const r = await wrkRun({ url, durationMs, serverPid: child.pid });
    return { ...r, capacity: r.requests / Math.max(r.wrkCpuS, 0.01) };
  } finally {
    child.kill();
  }
}

const fmt = (x, digits = 0) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

/**
 * Notes every wrk table carries: the generator's ceiling, its CPU capacity against
 * the fastest row, and which rows (if any) come within 20% of the ceiling.
 */
export function ceilingNotes(ceiling, rows) {
  const fastest = Math.max(...rows.map((r) => r.opsPerSec));
  const near = rows.filter((r) => r.opsPerSec >= 0.8 * ceiling.opsPerSec).map((r) => r.name);
  return [
    `load generator: wrk ${WRK.threads} thread, ${WRK.connections} keep-alive connections; its ceiling (against a bare node:http server doing no work, empty 200): ${fmt(ceiling.opsPerSec)} req/s, using ${fmt((100 * ceiling.wrkCpuS) / (ceiling.requests / ceiling.opsPerSec))}% of one core; wrk's capacity with a core to itself (requests ÷ its CPU seconds): ${fmt(ceiling.capacity)} req/s = ${fmt(ceiling.capacity / fastest, 1)}× the fastest row in this table (${fmt(fastest)} req/s): ${ceiling.capacity >= 2 * fastest ? 'the generator is ≥ 2× faster than any server here' : 'WARNING: the generator is NOT 2× faster than the fastest server'}`,
    near.length
      ? `within 20% of the ceiling: ${near.join('; ')} — ${ceiling.capacity >= 2 * fastest ? "these rows are at a node:http server's own per-request floor, not wrk's (wrk had CPU to spare, above)" : 'these rows may measure wrk, not the server'}`
      : 'no row is within 20% of the ceiling',
  ];
}

/** One line per round: both rates, the ratio, both p99s, and each side's server CPU per request. */
export function roundNotes(rounds) {
  return rounds.map((r, i) => {
    const cpu = (x) => (x.serverCpuS === undefined ? '?' : fmt((1e6 * x.serverCpuS) / x.requests, 1));
    return `round ${i + 1}: baseline ${fmt(r.base.opsPerSec)} req/s (p99 ${fmt(r.base.p99Ms, 2)} ms, ${cpu(r.base)} µs CPU/req), this ${fmt(r.run.opsPerSec)} req/s (p99 ${fmt(r.run.p99Ms, 2)} ms, ${cpu(r.run)} µs CPU/req): ratio ${fmt(r.ratio, 3)}, p99 ratio ${fmt(r.p99Ratio, 2)}${r.base.errors || r.run.errors ? `, errors ${r.base.errors}/${r.run.errors}` : ''}`;
  });
}

/** The columns every wrk throughput table shows (`name` under the `server` column). */
export const WRK_COLUMNS = ['server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU µs/req', 'vs baseline'];

/** A table row from one wrk run; server CPU per request when the run measured it. */
export function wrkRow(server, r, vs) {
  return {
    server,
    'req/s': fmt(r.opsPerSec),
    'p50 ms': fmt(r.p50Ms, 3),
    'p99 ms': fmt(r.p99Ms, 3),
    errors: r.errors,
    'server CPU µs/req': r.serverCpuS === undefined ? '' : fmt((1e6 * r.serverCpuS) / r.requests, 1),
    'vs baseline': vs,
  };
}
