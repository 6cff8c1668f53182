import { AwsError } from '../errors.js';
import { operation } from '../module.js';
import { invalidParameter } from './errors.js';
import { checkFilters, matchesFilters } from './filters.js';
import { getSecretValue } from './ops-secrets.js';
import { page } from './paging.js';
import { secretMetadata } from './render.js';
import { shapes } from './shapes.js';
import { listSecretsInRegion, type SecretRow } from './store.js';

/** ListSecrets and BatchGetSecretValue: the operations that walk a region's secrets. */

type SortBy = 'created-date' | 'last-accessed-date' | 'last-changed-date' | 'name';

const sortKey: Record<SortBy, (s: SecretRow) => number | string> = {
  'created-date': (s) => s.created_ms,
  'last-accessed-date': (s) => s.last_accessed_ms ?? 0,
  'last-changed-date': (s) => s.last_changed_ms,
  name: (s) => s.name,
};

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const listOperations = {
  ListSecrets: operation(shapes.ListSecrets, (input, ctx) => {
    const filters = checkFilters(input.Filters);
    const key = sortKey[input.SortBy ?? 'created-date'];
    const direction = input.SortOrder === 'desc' ? -1 : 1;
    // Oldest first by default, as AWS-verified tests observed; ties keep creation order.
    const secrets = listSecretsInRegion(ctx.db, ctx.region)
      .filter((s) => (input.IncludePlannedDeletion === true || s.deleted_ms === null) && matchesFilters(s, filters))
      .map((s, i) => ({ s, i }))
      .sort((a, b) => direction * compare(key(a.s), key(b.s)) || a.i - b.i)
      .map(({ s }) => s);
    const { items, nextToken } = page(secrets, input.MaxResults ?? 100, input.NextToken, `secrets:${ctx.region}`);
    const out: Record<string, unknown> = { SecretList: items.map((s) => secretMetadata(ctx.db, s, 'SecretVersionsToStages')) };
    if (nextToken) out.NextToken = nextToken;
    return out;
  }),

  BatchGetSecretValue: operation(shapes.BatchGetSecretValue, (input, ctx) => {
    if ((input.SecretIdList === undefined) === (input.Filters === undefined)) {
      throw invalidParameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.");
    }
    if (input.MaxResults !== undefined && input.Filters === undefined) {
      throw invalidParameter("'Filters' not specified. 'Filters' must also be specified when 'MaxResults' is provided.");
    }
    let ids: string[];
    let nextToken: string | undefined;
    if (input.SecretIdList) {
      ids = input.SecretIdList;
    } else {
      const filters = checkFilters(input.Filters);
      const matching = listSecretsInRegion(ctx.db, ctx.region).filter((s) => s.deleted_ms === null && matchesFilters(s, filters));
      const p = page(matching, input.MaxResults ?? 20, input.NextToken, `batch:${ctx.region}`);
      ids = p.items.map((s) => s.arn);
      nextToken = p.nextToken;
    }
    const values: unknown[] = [];
    const errors: unknown[] = [];
    for (const id of ids) {
      try {
        values.push(getSecretValue(ctx, { SecretId: id }));
      } catch (e) {
        if (!(e instanceof AwsError)) throw e;
        errors.push({ SecretId: id, ErrorCode: e.code, Message: e.message });
      }
    }
    const out: Record<string, unknown> = { SecretValues: values };
    if (nextToken) out.NextToken = nextToken;
    out.Errors = errors;
    return out;
  }),
};
