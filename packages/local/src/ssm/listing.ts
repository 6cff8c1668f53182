import type { Db } from '../db.js';
import { type ParameterVersion, page } from './store.js';

/** Rows a listing examines per request at most: beyond that it returns what it has and a NextToken (best-effort paging, as AWS). */
export const SCAN_BUDGET = 1000;

/** Key range [from, to) holding every key under `path`: '0' is the character after '/'. */
export function keyRange(path: string): { from: string; to: string } {
  const from = path === '/' ? '/' : `${path}/`;
  return { from, to: `${from.slice(0, -1)}0` };
}

export interface ScanRequest {
  db: Db;
  region: string;
  now: number;
  /** Key range [from, to) to walk, in key order. */
  range: { from: string; to: string };
  /** Key of the last row examined by the previous page ('' for the first page). */
  after: string;
  max: number;
  /** Rows fetched per query: small when every row is likely kept, larger when filters drop many. */
  batch: number;
  /** The version to return for a row, or undefined to skip it. */
  accept(row: ParameterVersion): ParameterVersion | undefined;
}

/**
 * One page of a listing (GetParametersByPath, DescribeParameters): walks live
 * parameters in key order from `after`, keeps up to `max` accepted ones and
 * stops early after SCAN_BUDGET rows. `more` says whether a NextToken is due:
 * it may be set with fewer than `max` items, never when the range is exhausted.
 */
export function scanPage(req: ScanRequest): { items: ParameterVersion[]; cursor: string; more: boolean } {
  const items: ParameterVersion[] = [];
  let cursor = req.after;
  let scanned = 0;
  while (scanned < SCAN_BUDGET) {
    const batch = Math.min(req.batch, SCAN_BUDGET - scanned);
    const rows = page(req.db, req.region, req.range, cursor, batch, req.now);
    for (const row of rows) {
      if (items.length === req.max) return { items, cursor, more: true };
      scanned++;
      cursor = row.key;
      const kept = req.accept(row);
      if (kept) items.push(kept);
    }
    if (rows.length < batch) return { items, cursor, more: false };
  }
  return { items, cursor, more: page(req.db, req.region, req.range, cursor, 1, req.now).length > 0 };
}
