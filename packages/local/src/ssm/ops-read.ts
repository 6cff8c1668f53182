import { AwsError } from '../errors.js';
import { operation, type ServiceContext } from '../module.js';
import type { SecretsReader } from '../secretsmanager/index.js';
import { parameterNotFound, parameterVersionNotFound } from './errors.js';
import { compileFilters } from './filters.js';
import { keyRange, scanPage } from './listing.js';
import { isUnderPath, normalisePath, type ParsedName, parseReadName, parseReference } from './names.js';
import { decodeToken, encodeToken, fingerprint } from './paging.js';
import { checkReferenceDecryption, readReference } from './reference.js';
import { renderHistory, renderParameter } from './render.js';
import { shapes } from './shapes.js';
import type { ParameterVersion } from './store.js';
import * as store from './store.js';

function getOne(secrets: SecretsReader, ctx: ServiceContext, address: string, decrypt: boolean | undefined) {
  const ref = parseReference(address);
  if (ref) {
    checkReferenceDecryption(decrypt);
    return readReference(secrets, ctx, ref);
  }
  const parsed = parseReadName(address, ctx.region, ctx.accountId);
  if (!parsed) throw parameterNotFound();
  const p = resolveVersion(ctx, parsed);
  return renderParameter(ctx, p, decrypt === true, p.name, parsed.selectorText);
}

export const getParameter = (secrets: SecretsReader) =>
  operation(shapes.GetParameter, (input, ctx) => ({ Parameter: getOne(secrets, ctx, input.Name, input.WithDecryption) }));

/** GetParameters: up to 10 addresses; missing ones go to InvalidParameters, never an HTTP error. */
export const getParameters = (secrets: SecretsReader) =>
  operation(shapes.GetParameters, (input, ctx) => {
    const names = [...new Set(input.Names)];
    if (names.some((n) => parseReference(n))) checkReferenceDecryption(input.WithDecryption);
    const found: Array<ReturnType<typeof getOne>> = [];
    const invalid: string[] = [];
    for (const name of names) {
      try {
        found.push(getOne(secrets, ctx, name, input.WithDecryption));
      } catch (e) {
        if (e instanceof AwsError && (e.code === 'ParameterNotFound' || e.code === 'ParameterVersionNotFound')) invalid.push(name);
        else throw e;
      }
    }
    found.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
    return { Parameters: found, InvalidParameters: invalid };
  });

export const getParametersByPath = operation(shapes.GetParametersByPath, (input, ctx) => {
  const path = normalisePath(input.Path);
  const recursive = input.Recursive === true;
  const filters = compileFilters(input.ParameterFilters, 'GetParametersByPath');
  const max = input.MaxResults ?? 10;
  const request = fingerprint(['GetParametersByPath', ctx.region, path, recursive, input.ParameterFilters ?? []]);
  const after = decodeToken<string>(input.NextToken, request, 'string') ?? '';
  const { items, cursor, more } = scanPage({
    db: ctx.db,
    region: ctx.region,
    now: ctx.now,
    range: keyRange(path),
    after,
    max,
    // A recursive walk without filters keeps every row: fetch just one page (and one row to know there is more).
    batch: recursive && !input.ParameterFilters?.length ? max + 1 : 100,
    accept: (row) => {
      if (!isUnderPath(row.key, path, recursive)) return undefined;
      const chosen = selectForLabels(row);
      return chosen && filters.matches(chosen, () => store.tags(ctx.db, ctx.region, row.key)) ? chosen : undefined;
    },
  });
  return {
    Parameters: items.map((p) => renderParameter(ctx, p, input.WithDecryption === true)),
    ...(more ? { NextToken: encodeToken(request, cursor) } : {}),
  };

  /** With a Label filter, the version carrying one of the labels (not necessarily the latest). */
  function selectForLabels(row: ParameterVersion): ParameterVersion | undefined {
    if (!filters.labels) return row;
    const labels = store.labels(ctx.db, ctx.region, row.key);
    for (const label of filters.labels) {
      const version = labels.get(label);
      if (version !== undefined) return version === row.version ? row : store.atVersion(ctx.db, ctx.region, row.key, version, ctx.now);
    }
    return undefined;
  }
});

/** GetParameterHistory: every kept version, oldest first, with its labels. */
export const getParameterHistory = operation(shapes.GetParameterHistory, (input, ctx) => {
  const parsed = parseReadName(input.Name, ctx.region, ctx.accountId);
  if (!parsed || parsed.selector) throw parameterNotFound();
  const latest = store.latest(ctx.db, ctx.region, parsed.key, ctx.now);
  if (!latest) throw parameterNotFound();
  const max = input.MaxResults ?? 50;
  const request = fingerprint(['GetParameterHistory', ctx.region, parsed.key]);
  const after = decodeToken<number>(input.NextToken, request, 'number') ?? 0;
  const rows = store.history(ctx.db, ctx.region, parsed.key, after, max + 1);
  const page = rows.slice(0, max);
  const labelsByVersion = new Map<number, string[]>();
  for (const [label, version] of store.labels(ctx.db, ctx.region, parsed.key)) {
    labelsByVersion.set(version, [...(labelsByVersion.get(version) ?? []), label]);
  }
  return {
    Parameters: page.map((v) =>
      renderHistory(ctx, latest.name, parsed.key, v, labelsByVersion.get(v.version) ?? [], input.WithDecryption === true),
    ),
    ...(rows.length > max ? { NextToken: encodeToken(request, page[page.length - 1].version) } : {}),
  };
});

/**
 * The version a read address names: the latest, `:<version>` (missing →
 * ParameterVersionNotFound) or `:<label>` (no version carries it → ParameterNotFound).
 */
function resolveVersion(ctx: ServiceContext, parsed: ParsedName): ParameterVersion {
  const latest = store.latest(ctx.db, ctx.region, parsed.key, ctx.now);
  if (!latest) throw parameterNotFound();
  const sel = parsed.selector;
  if (!sel) return latest;
  if ('version' in sel) {
    const v = sel.version === latest.version ? latest : store.atVersion(ctx.db, ctx.region, parsed.key, sel.version, ctx.now);
    if (!v) throw parameterVersionNotFound(parsed.name, sel.version);
    return v;
  }
  const version = store.versionOfLabel(ctx.db, ctx.region, parsed.key, sel.label);
  const v = version === undefined ? undefined : store.atVersion(ctx.db, ctx.region, parsed.key, version, ctx.now);
  if (!v) throw parameterNotFound();
  return v;
}
