import { operation } from '../module.js';
import { ssmValidation } from './errors.js';
import { compileFilters, legacyFilters } from './filters.js';
import { keyRange, scanPage } from './listing.js';
import { isUnderPath } from './names.js';
import { decodeToken, encodeToken, fingerprint } from './paging.js';
import { renderMetadata } from './render.js';
import { shapes } from './shapes.js';
import * as store from './store.js';

/** DescribeParameters: metadata (never values) of the latest versions, in name order, filtered. */
export const describeParameters = operation(shapes.DescribeParameters, (input, ctx) => {
  if (input.Filters && input.ParameterFilters) {
    throw ssmValidation('You can use either Filters or ParameterFilters in a single request.');
  }
  const filters = compileFilters(
    input.ParameterFilters ?? (input.Filters ? legacyFilters(input.Filters) : undefined),
    'DescribeParameters',
  );
  // Parameters shared from other accounts: this local service holds none.
  if (input.Shared) return { Parameters: [] };
  const max = input.MaxResults ?? 50;
  const request = fingerprint(['DescribeParameters', ctx.region, input.Filters ?? [], input.ParameterFilters ?? []]);
  const after = decodeToken<string>(input.NextToken, request, 'string') ?? '';
  const { items, cursor, more } = scanPage({
    db: ctx.db,
    region: ctx.region,
    now: ctx.now,
    range: filters.paths.length === 1 ? keyRange(filters.paths[0].path) : { from: '/', to: '0' },
    after,
    max,
    batch: 100,
    accept: (row) => {
      const onPath = filters.paths.length === 0 || filters.paths.some((p) => isUnderPath(row.key, p.path, p.recursive));
      return onPath && filters.matches(row, () => store.tags(ctx.db, ctx.region, row.key)) ? row : undefined;
    },
  });
  return {
    Parameters: items.map((p) => renderMetadata(ctx, p)),
    ...(more ? { NextToken: encodeToken(request, cursor) } : {}),
  };
});
