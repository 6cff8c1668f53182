/**
 * `--watch` polling: how often (`--interval`, else the cache TTL) and a loop
 * that never overlaps itself (the next poll is scheduled when one finishes).
 */

/** Default poll interval when the TTLs say nothing usable. */
export const DEFAULT_INTERVAL_SECONDS = 300;

/**
 * The cache TTL the extension works with: the smaller of SECRETS_MANAGER_TTL
 * and SSM_PARAMETER_STORE_TTL (1–300 s; 0, unset or unusable → 300 s). Polling
 * at that period through the extension sees each value at most one TTL late.
 */
export function ttlIntervalSeconds(env: NodeJS.ProcessEnv): number {
  const ttls = ['SECRETS_MANAGER_TTL', 'SSM_PARAMETER_STORE_TTL']
    .map((name) => Number(env[name]?.trim() || Number.NaN))
    .filter((n) => Number.isInteger(n) && n > 0)
    .map((n) => Math.min(n, DEFAULT_INTERVAL_SECONDS));
  return ttls.length > 0 ? Math.min(...ttls) : DEFAULT_INTERVAL_SECONDS;
}

/** `--interval SECONDS`: a number ≥ 0.1 (fractions allowed for tests and tight loops). */
export function parseInterval(text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value >= 0.1) || value > 86_400) {
    throw new Error(`--interval must be a number of seconds between 0.1 and 86400, got '${text.slice(0, 30)}'`);
  }
  return value;
}

export interface Poller {
  stop(): void;
}

/** Calls `tick` every `intervalMs` after the previous call finished; errors are `tick`'s to handle. */
export function startPoller(intervalMs: number, tick: () => Promise<void>): Poller {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await tick().catch(() => undefined);
      schedule();
    }, intervalMs);
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
