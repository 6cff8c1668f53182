import { operation, type ServiceContext } from '../module.js';
import type { Infer } from '../shape.js';
import { parameterNotFound, parameterVersionLabelLimitExceeded, parameterVersionNotFound } from './errors.js';
import { isValidLabel, MAX_LABELS_PER_VERSION } from './labels.js';
import { canonicalKey, checkNameSyntax } from './names.js';
import { shapes } from './shapes.js';
import * as store from './store.js';

/** The version a (un)label call names: `ParameterVersion`, or the latest. */
function target(input: Infer<typeof shapes.LabelParameterVersion>, ctx: ServiceContext) {
  checkNameSyntax(input.Name);
  const key = canonicalKey(input.Name);
  const latest = store.latest(ctx.db, ctx.region, key, ctx.now);
  if (!latest) throw parameterNotFound();
  const version = input.ParameterVersion ?? latest.version;
  if (version !== latest.version && !store.atVersion(ctx.db, ctx.region, key, version, ctx.now))
    throw parameterVersionNotFound(input.Name, version);
  return { key, version };
}

/**
 * LabelParameterVersion: labels that break the rules come back in
 * InvalidLabels; a valid label moves here from any other version; more than
 * ten on the version fails the whole call (the transaction rolls back).
 */
export const labelParameterVersion = operation(shapes.LabelParameterVersion, (input, ctx) => {
  const { key, version } = target(input, ctx);
  const invalid = input.Labels.filter((l) => !isValidLabel(l));
  for (const label of new Set(input.Labels.filter(isValidLabel))) store.putLabel(ctx.db, ctx.region, key, label, version);
  if (store.labelsOf(ctx.db, ctx.region, key, version).length > MAX_LABELS_PER_VERSION) throw parameterVersionLabelLimitExceeded();
  return { InvalidLabels: invalid, ParameterVersion: version };
});

/** UnlabelParameterVersion: labels not attached to that version come back in InvalidLabels. */
export const unlabelParameterVersion = operation(shapes.UnlabelParameterVersion, (input, ctx) => {
  const { key, version } = target(input, ctx);
  const removed: string[] = [];
  const invalid: string[] = [];
  for (const label of new Set(input.Labels)) {
    if (store.removeLabel(ctx.db, ctx.region, key, label, version)) removed.push(label);
    else invalid.push(label);
  }
  return { RemovedLabels: removed, InvalidLabels: invalid };
});
