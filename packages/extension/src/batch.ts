/**
 * Batch reads through the cache: BatchGetSecretValue (≤ 20 ids) and
 * GetParameters (≤ 10 names). Every item goes through the cache under the
 * key a single GET would use, so a later single GET is a hit, and single-flight
 * holds per item. Hits answer from the cache; the misses of one batch are
 * fetched together in ONE upstream call.
 *
 * How one call serves many items: for each item `cache.get` is called with a
 * fetch that only records the item and waits on a shared promise. `cache.get`
 * calls a fetch synchronously (and only for a miss that is not already in
 * flight, or a refresh-ahead), so once the loop is done the recorded items are
 * exactly the ones to fetch; the shared promise is then settled by the one call.
 */
import type { CacheResult, ResponseCache } from './cache.js';
import { UpstreamError } from './errors.js';
import { type Lookup, parameterKey, secretKey } from './lookup.js';
import type { Metrics } from './metrics.js';
import { type GetSecretValueOutput, type ParameterOutput, parameterBody, secretBody } from './responses.js';
import type { BatchGetSecretValueOutput, Upstream } from './upstream/index.js';

/** One item of a batch: its cached body, or why it failed. */
export type BatchItem<Id> = { id: Id; result: CacheResult; error?: undefined } | { id: Id; result?: undefined; error: unknown };

/** A parameter as a batch names it: `name`, `name:version` or `name:label` (the GetParameters syntax). */
export interface ParameterAddress {
  /** As requested (what InvalidParameters lists). */
  requested: string;
  name: string;
  version?: string;
  label?: string;
}

/** An item's failure inside a successful batch call (it lands in Errors / InvalidParameters, the others still succeed). */
export class ItemError extends UpstreamError {}

export class BatchReader {
  constructor(
    private readonly cache: ResponseCache,
    private readonly lookup: Lookup,
    private readonly upstream: Upstream,
    private readonly metrics: Metrics,
  ) {}

  /** Secrets by id (AWSCURRENT), each cached as `/secretsmanager/get?secretId=<id>` would be. */
  secrets(ids: string[]): Promise<BatchItem<string>[]> {
    return this.batch(
      ids,
      (id) => secretKey({ secretId: id }),
      this.lookup.secretTtlMs,
      (wanted) => this.upstream.batchGetSecretValue({ SecretIdList: wanted }),
      (out, id) => secretBody(findSecret(out, id)),
    );
  }

  /** Parameters by name (with optional `:version` / `:label`), each cached as the single GET would be. */
  parameters(addresses: ParameterAddress[], withDecryption: boolean): Promise<BatchItem<ParameterAddress>[]> {
    return this.batch(
      addresses,
      (a) => parameterKey({ name: a.name, version: a.version, label: a.label, withDecryption }),
      this.lookup.parameterTtlMs,
      (wanted) => this.upstream.getParameters({ Names: wanted.map((a) => a.requested), WithDecryption: withDecryption }),
      (out, a) => parameterBody(findParameter(out.Parameters ?? [], out.InvalidParameters ?? [], a)),
    );
  }

  private async batch<Id, Out>(
    ids: Id[],
    keyOf: (id: Id) => string,
    ttlMs: number,
    call: (wanted: Id[]) => Promise<Out>,
    bodyOf: (out: Out, id: Id) => Buffer,
  ): Promise<BatchItem<Id>[]> {
    const wanted: Id[] = [];
    let settle!: { resolve: (out: Out) => void; reject: (e: unknown) => void };
    const shared = new Promise<Out>((resolve, reject) => {
      settle = { resolve, reject };
    });
    shared.catch(() => {}); // each item observes it; nobody may be left to when every item was a hit
    const pending = ids.map((id) =>
      this.cache.get(keyOf(id), ttlMs, () => {
        wanted.push(id);
        return shared.then((out) => bodyOf(out, id));
      }),
    );
    if (wanted.length > 0) call(wanted).then(settle.resolve, settle.reject);
    const settled = await Promise.allSettled(pending);
    return settled.map((s, i) => {
      if (s.status === 'fulfilled') {
        this.metrics.recordCache(s.value.status);
        return { id: ids[i], result: s.value };
      }
      this.metrics.recordCache('miss');
      return { id: ids[i], error: s.reason };
    });
  }
}

/** `name:3` → version 3, `name:Blue` → label Blue (after the ARN's own colons). */
export function parameterAddress(requested: string): ParameterAddress {
  const colonsInName = requested.startsWith('arn:') ? 5 : 0;
  const parts = requested.split(':');
  if (parts.length <= colonsInName + 1) return { requested, name: requested };
  const selector = parts.pop() as string;
  const name = parts.join(':');
  return /^\d+$/.test(selector) ? { requested, name, version: selector } : { requested, name, label: selector };
}

function findSecret(out: BatchGetSecretValueOutput, id: string): GetSecretValueOutput {
  const found = (out.SecretValues ?? []).find(
    (v) => v.Name === id || v.ARN === id || (id.startsWith('arn:') && v.ARN?.startsWith(`${id}-`) === true),
  );
  if (found) return found;
  const error = (out.Errors ?? []).find((e) => e.SecretId === id);
  if (error) throw new ItemError('client', error.ErrorCode ?? 'UnknownError', error.Message ?? '');
  throw new ItemError('client', 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
}

function findParameter(found: ParameterOutput[], invalid: string[], a: ParameterAddress): ParameterOutput {
  const selector = a.version ?? a.label;
  const match = found.find(
    (p) => (p.Name === a.name || p.ARN === a.name) && (p.Selector ?? undefined) === (selector === undefined ? undefined : `:${selector}`),
  );
  if (match) return match;
  if (invalid.includes(a.requested)) throw new ItemError('client', 'ParameterNotFound', `parameter ${a.requested} not found`);
  throw new ItemError('client', 'ParameterNotFound', `parameter ${a.requested} not returned by GetParameters`);
}

/** The error of a batch as a whole: when every item failed with one and the same call-level error. */
export function wholeBatchError(items: BatchItem<unknown>[]): unknown {
  const first = items[0]?.error;
  if (first === undefined || first instanceof ItemError) return undefined;
  return items.every((i) => i.error === first) ? first : undefined;
}
