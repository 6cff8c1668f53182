/**
 * Counters exposed at GET /metrics in the Prometheus text format (0.0.4).
 * Labels are fixed words (API, outcome, status) — never a secret id or name.
 */
import type { CacheStatus } from './cache.js';

export interface MetricTotals {
  hits: number;
  misses: number;
  stale: number;
  refreshes: number;
  revalidationsUnchanged: number;
  revalidationsChanged: number;
  upstreamCalls: number;
  upstreamErrors: number;
  upstreamSeconds: number;
}

export type RevalidationResult = 'unchanged' | 'changed' | 'failed';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  count: number;
  sum: number;
  buckets: number[];
}

export class Metrics {
  private readonly cache: Record<CacheStatus, number> = { hit: 0, miss: 0, stale: 0, refresh: 0 };
  /** 200s counted apart: the hot path then touches one number, not a Map. */
  private ok = 0;
  private readonly responses = new Map<number, number>();
  private readonly revalidations: Record<RevalidationResult, number> = { unchanged: 0, changed: 0, failed: 0 };
  private readonly upstream = new Map<string, Series>();

  recordCache(status: CacheStatus): void {
    this.cache[status]++;
  }

  /** A DescribeSecret check on expiry: `unchanged` kept the value, `changed` fetched it, `failed` fell back to fetching. */
  recordRevalidation(result: RevalidationResult): void {
    this.revalidations[result]++;
  }

  recordResponse(status: number): void {
    if (status === 200) this.ok++;
    else this.responses.set(status, (this.responses.get(status) ?? 0) + 1);
  }

  /** One upstream HTTP attempt: `api` e.g. GetSecretValue, `outcome` success/client_error/throttled/server_error/timeout/network_error. */
  recordUpstream(api: string, outcome: string, seconds: number): void {
    const key = `${api}\u0000${outcome}`;
    let series = this.upstream.get(key);
    if (!series) {
      series = { count: 0, sum: 0, buckets: LATENCY_BUCKETS.map(() => 0) };
      this.upstream.set(key, series);
    }
    series.count++;
    series.sum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]) series.buckets[i]++;
  }

  /** Running totals, for reporters that send differences (EMF). */
  totals(): MetricTotals {
    let upstreamCalls = 0;
    let upstreamErrors = 0;
    let upstreamSeconds = 0;
    for (const [key, s] of this.upstream) {
      upstreamCalls += s.count;
      upstreamSeconds += s.sum;
      if (!key.endsWith('\u0000success')) upstreamErrors += s.count;
    }
    return {
      hits: this.cache.hit,
      misses: this.cache.miss,
      stale: this.cache.stale,
      refreshes: this.cache.refresh,
      revalidationsUnchanged: this.revalidations.unchanged,
      revalidationsChanged: this.revalidations.changed,
      upstreamCalls,
      upstreamErrors,
      upstreamSeconds,
    };
  }

  /** Total upstream attempts for one API (all outcomes). */
  upstreamCalls(api: string): number {
    let total = 0;
    for (const [key, s] of this.upstream) if (key.startsWith(`${api}\u0000`)) total += s.count;
    return total;
  }

  render(cache: { size: number; capacity: number; evictions: number; refreshAheads: number }): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, value: number) =>
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
    counter('parasol_cache_hits_total', 'Requests answered from the cache.', this.cache.hit);
    counter('parasol_cache_misses_total', 'Requests that fetched from the upstream (not cached or expired).', this.cache.miss);
    counter('parasol_cache_stale_total', 'Requests answered with a stale value because the upstream failed transiently.', this.cache.stale);
    counter('parasol_cache_refreshes_total', 'Requests with refreshNow=true that fetched a fresh value.', this.cache.refresh);
    counter(
      'parasol_cache_refresh_ahead_total',
      'Background refreshes started by a hit in the last tenth of the TTL.',
      cache.refreshAheads,
    );
    counter('parasol_cache_evictions_total', 'Entries evicted to stay within PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE.', cache.evictions);
    lines.push(
      '# HELP parasol_revalidations_total Expired secrets checked with DescribeSecret, by result (unchanged: value kept; changed: value fetched; failed: fetched without the check).',
      '# TYPE parasol_revalidations_total counter',
    );
    for (const result of ['unchanged', 'changed', 'failed'] as const) {
      lines.push(`parasol_revalidations_total{result="${result}"} ${this.revalidations[result]}`);
    }
    lines.push(
      '# HELP parasol_cache_entries Entries currently cached.',
      '# TYPE parasol_cache_entries gauge',
      `parasol_cache_entries ${cache.size}`,
    );
    lines.push(
      '# HELP parasol_cache_capacity Maximum entries.',
      '# TYPE parasol_cache_capacity gauge',
      `parasol_cache_capacity ${cache.capacity}`,
    );
    lines.push('# HELP parasol_http_responses_total Responses sent, by HTTP status.', '# TYPE parasol_http_responses_total counter');
    const responses = new Map(this.responses);
    if (this.ok) responses.set(200, this.ok);
    for (const [status, n] of [...responses].sort((a, b) => a[0] - b[0]))
      lines.push(`parasol_http_responses_total{status="${status}"} ${n}`);
    lines.push(
      '# HELP parasol_upstream_requests_total Upstream HTTP attempts, by API and outcome.',
      '# TYPE parasol_upstream_requests_total counter',
    );
    const sorted = [...this.upstream].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    for (const [key, s] of sorted) {
      const [api, outcome] = key.split('\u0000');
      lines.push(`parasol_upstream_requests_total{api="${api}",outcome="${outcome}"} ${s.count}`);
    }
    lines.push(
      '# HELP parasol_upstream_latency_seconds Upstream attempt latency, by API and outcome.',
      '# TYPE parasol_upstream_latency_seconds histogram',
    );
    for (const [key, s] of sorted) {
      const [api, outcome] = key.split('\u0000');
      const labels = `api="${api}",outcome="${outcome}"`;
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        lines.push(`parasol_upstream_latency_seconds_bucket{${labels},le="${LATENCY_BUCKETS[i]}"} ${s.buckets[i]}`);
      }
      lines.push(`parasol_upstream_latency_seconds_bucket{${labels},le="+Inf"} ${s.count}`);
      lines.push(`parasol_upstream_latency_seconds_sum{${labels}} ${s.sum}`);
      lines.push(`parasol_upstream_latency_seconds_count{${labels}} ${s.count}`);
    }
    const memory = process.memoryUsage();
    lines.push('# HELP process_resident_memory_bytes Resident set size.', '# TYPE process_resident_memory_bytes gauge');
    lines.push(`process_resident_memory_bytes ${memory.rss}`);
    lines.push('# HELP nodejs_heap_used_bytes V8 heap in use.', '# TYPE nodejs_heap_used_bytes gauge');
    lines.push(`nodejs_heap_used_bytes ${memory.heapUsed}`);
    lines.push('# HELP nodejs_heap_total_bytes V8 heap reserved.', '# TYPE nodejs_heap_total_bytes gauge');
    lines.push(`nodejs_heap_total_bytes ${memory.heapTotal}`);
    lines.push(
      '# HELP nodejs_external_memory_bytes Memory of Buffers and other objects outside the V8 heap.',
      '# TYPE nodejs_external_memory_bytes gauge',
    );
    lines.push(`nodejs_external_memory_bytes ${memory.external}`);
    return `${lines.join('\n')}\n`;
  }
}
