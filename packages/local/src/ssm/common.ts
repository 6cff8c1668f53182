import type { ServiceContext } from '../module.js';
import { parameterNotFound, parameterVersionNotFound } from './errors.js';
import type { ParsedName } from './names.js';
import { type ParameterStore, type ParameterVersion, storeFor } from './store.js';

/** The store of the request's database. */
export function session(ctx: ServiceContext): { store: ParameterStore; rc: ServiceContext } {
  return { store: storeFor(ctx.db), rc: ctx };
}

/**
 * The version a read address names: the latest, `:<version>` (missing →
 * ParameterVersionNotFound) or `:<label>` (no version carries it → ParameterNotFound).
 */
export function resolveVersion(store: ParameterStore, ctx: ServiceContext, parsed: ParsedName): ParameterVersion {
  const latest = store.latest(ctx.region, parsed.key, ctx.now);
  if (!latest) throw parameterNotFound();
  const sel = parsed.selector;
  if (!sel) return latest;
  if ('version' in sel) {
    const v = sel.version === latest.version ? latest : store.atVersion(ctx.region, parsed.key, sel.version, ctx.now);
    if (!v) throw parameterVersionNotFound(parsed.name, sel.version);
    return v;
  }
  const version = store.versionOfLabel(ctx.region, parsed.key, sel.label);
  const v = version === undefined ? undefined : store.atVersion(ctx.region, parsed.key, version, ctx.now);
  if (!v) throw parameterNotFound();
  return v;
}
