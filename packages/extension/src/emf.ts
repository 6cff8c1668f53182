/**
 * PARASOL_METRICS=emf: inside Lambda nothing can scrape /metrics, so the
 * extension writes CloudWatch Embedded Metric Format lines to stdout (which
 * Lambda sends to the function's log group, where CloudWatch extracts the
 * metrics): one every PARASOL_METRICS_EMF_EVERY invocations and one at
 * SHUTDOWN. Each line holds what happened since the previous one. Format:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * Loaded only when enabled.
 */
import type { Metrics, MetricTotals } from './metrics.js';

export interface EmfOptions {
  namespace: string;
  every: number;
  /** The FunctionName dimension (AWS_LAMBDA_FUNCTION_NAME). */
  functionName: string;
  write?: (line: string) => void;
  now?: () => number;
}

const COUNTS: Array<[name: string, pick: (t: MetricTotals) => number]> = [
  ['CacheHits', (t) => t.hits],
  ['CacheMisses', (t) => t.misses],
  ['CacheStale', (t) => t.stale],
  ['CacheRefreshes', (t) => t.refreshes],
  ['RevalidationsUnchanged', (t) => t.revalidationsUnchanged],
  ['RevalidationsChanged', (t) => t.revalidationsChanged],
  ['UpstreamCalls', (t) => t.upstreamCalls],
  ['UpstreamErrors', (t) => t.upstreamErrors],
];

export class EmfReporter {
  private invocations = 0;
  private last: MetricTotals;
  private readonly write: (line: string) => void;
  private readonly now: () => number;

  constructor(
    private readonly metrics: Metrics,
    private readonly options: EmfOptions,
  ) {
    this.last = metrics.totals();
    this.write = options.write ?? ((line) => process.stdout.write(line));
    this.now = options.now ?? Date.now;
  }

  /** Counts an INVOKE; every `every`-th writes a line. */
  invoked(): void {
    this.invocations++;
    if (this.invocations % this.options.every === 0) this.flush();
  }

  /** Writes one line with the differences since the last one (also when nothing changed, so a quiet period shows as zeros). */
  flush(): void {
    const current = this.metrics.totals();
    const diff = (pick: (t: MetricTotals) => number) => pick(current) - pick(this.last);
    const calls = diff((t) => t.upstreamCalls);
    const latencyMs = calls > 0 ? (diff((t) => t.upstreamSeconds) * 1000) / calls : 0;
    const values: Record<string, number> = { Invocations: this.invocations };
    for (const [name, pick] of COUNTS) values[name] = diff(pick);
    values.UpstreamLatencyAverage = Math.round(latencyMs * 1000) / 1000;
    const line = {
      _aws: {
        Timestamp: this.now(),
        CloudWatchMetrics: [
          {
            Namespace: this.options.namespace,
            Dimensions: [['FunctionName']],
            Metrics: [
              { Name: 'Invocations', Unit: 'Count' },
              ...COUNTS.map(([name]) => ({ Name: name, Unit: 'Count' })),
              { Name: 'UpstreamLatencyAverage', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      FunctionName: this.options.functionName,
      ...values,
    };
    this.last = current;
    this.invocations = 0;
    this.write(`${JSON.stringify(line)}\n`);
  }
}
