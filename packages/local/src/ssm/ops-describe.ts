import type { OperationHandler } from '../module.js';
import { parseInput } from '../shape.js';
import { session } from './common.js';
import { ssmValidation } from './errors.js';
import { compileFilters, legacyFilters } from './filters.js';
import { isUnderPath } from './names.js';
import { keyRange } from './ops-read.js';
import { decodeToken, encodeToken, fingerprint } from './paging.js';
import { renderMetadata } from './render.js';
import { type ParameterStringFilter, shapes } from './shapes.js';
import type { ParameterVersion } from './store.js';

const SCAN_BUDGET = 1000;

interface DescribeInput {
  Filters?: Array<{ Key: string; Values: string[] }>;
  ParameterFilters?: ParameterStringFilter[];
  MaxResults?: number;
  NextToken?: string;
  Shared?: boolean;
}

/** DescribeParameters: metadata (never values) of the latest versions, in name order, filtered. */
export const describeParameters: OperationHandler = (raw, ctx) => {
  const input = parseInput<DescribeInput>(raw, shapes.DescribeParameters);
  if (input.Filters && input.ParameterFilters) {
    throw ssmValidation('You can use either Filters or ParameterFilters in a single request.');
  }
  const filters = compileFilters(
    input.ParameterFilters ?? (input.Filters ? legacyFilters(input.Filters) : undefined),
    'DescribeParameters',
  );
  // Parameters shared from other accounts: this local service holds none.
  if (input.Shared) return { Parameters: [] };
  const { store, rc } = session(ctx);
  const max = input.MaxResults ?? 50;
  const request = fingerprint(['DescribeParameters', ctx.region, input.Filters ?? [], input.ParameterFilters ?? []]);
  let cursor = decodeToken<string>(input.NextToken, request, 'string') ?? '';
  const range = filters.paths.length === 1 ? keyRange(filters.paths[0].path) : { from: '/', to: '0' };
  const out: ParameterVersion[] = [];
  let scanned = 0;
  while (out.length < max && scanned < SCAN_BUDGET) {
    const rows = store.page(ctx.region, range, cursor, Math.min(200, SCAN_BUDGET - scanned), ctx.now);
    if (rows.length === 0) break;
    for (const row of rows) {
      scanned++;
      cursor = row.key;
      const onPath = filters.paths.length === 0 || filters.paths.some((p) => isUnderPath(row.key, p.path, p.recursive));
      if (onPath && filters.matches(row, () => store.tags(ctx.region, row.key))) out.push(row);
      if (out.length === max) break;
    }
  }
  const more = (out.length === max || scanned >= SCAN_BUDGET) && store.page(ctx.region, range, cursor, 1, ctx.now).length > 0;
  return {
    Parameters: out.map((p) => renderMetadata(rc, p)),
    ...(more ? { NextToken: encodeToken(request, cursor) } : {}),
  };
};
