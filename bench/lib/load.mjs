// Load generation for benchmarks, always from a separate process so the load
// generator never competes with the server under test for its event loop.
//
//   runLoad({ target, concurrency, durationMs, warmupMs })
//     target = { kind: 'http', url, method?, headers?, body? }        keep-alive HTTP requests
//            | { kind: 'module', path, options? }                     path exports setup(options) -> async once()
//   -> { requests, errors, opsPerSec, p50Ms, p99Ms, meanMs }
//   runInterleaved({ targets, durationMs, warmupMs })  paired sequential samples, one result per target
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));

export function runLoad({ target, concurrency = 16, durationMs = 5000, warmupMs = 1000 }) {
  return inWorker({ target, concurrency, durationMs, warmupMs });
}

/**
 * Sequential requests taking the targets in turn, one request each, from one
 * separate process: a paired comparison that machine-load drift cannot skew.
 *   -> one { requests, errors, p50Ms, p99Ms, meanMs } per target
 */
export function runInterleaved({ targets, durationMs = 5000, warmupMs = 1000 }) {
  return inWorker({ targets, durationMs, warmupMs });
}

function inWorker(message) {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (msg) => {
      child.kill();
      if (msg.error) reject(new Error(msg.error));
      else resolve(msg.result);
    });
    child.once('exit', (code) => {
      if (code) reject(new Error(`load worker exited with ${code}`));
    });
    child.send(message);
  });
}

/** Percentile of a sorted array of numbers. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (x, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
