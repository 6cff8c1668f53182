import { operation } from '../module.js';
import {
  hierarchyTypeMismatch,
  parameterAlreadyExists,
  parameterLimitExceeded,
  parameterMaxVersionLimitExceeded,
  parameterNotFound,
  ssmValidation,
  tooManyTags,
} from './errors.js';
import { canonicalKey, checkNameSyntax, validateNewName } from './names.js';
import { parsePolicies } from './policies.js';
import { sealContext } from './render.js';
import { shapes } from './shapes.js';
import type { NewVersion, Tier } from './store.js';
import * as store from './store.js';
import {
  checkAllowedPattern,
  checkDataType,
  checkKeyId,
  checkNoNestedReference,
  checkValueSize,
  DEFAULT_KEY_ID,
  isAmiId,
  resolveTier,
} from './values.js';

export const MAX_VERSIONS = 100;
export const MAX_TAGS = 50;
const TIER_LIMITS: Record<Tier, number> = { Standard: 10_000, Advanced: 100_000 };

/**
 * PutParameter: create, or with Overwrite add a version. Every check runs
 * before the first write, and the whole operation is one transaction, so a
 * rejected request changes nothing.
 */
export const putParameter = operation(shapes.PutParameter, (input, ctx) => {
  const name = validateNewName(input.Name, ctx.region, ctx.accountId);
  const key = canonicalKey(name);
  const value = input.Value;
  checkNoNestedReference(value);
  if (input.Tags && input.Overwrite) {
    throw ssmValidation(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
    );
  }
  store.purgeIfExpired(ctx.db, ctx.region, key, ctx.now);
  const existing = store.latest(ctx.db, ctx.region, key, ctx.now);
  if (existing && !input.Overwrite) throw parameterAlreadyExists();
  if (!existing && !input.Type) throw ssmValidation('A parameter type is required when you create a parameter.');
  const type = input.Type ?? existing!.type;
  // AWS refuses type changes on overwrite, hierarchical or not (terraform-provider-aws#9843, aws-cdk#30129).
  if (existing && type !== existing.type) throw hierarchyTypeMismatch();

  if (input.KeyId !== undefined) {
    if (type !== 'SecureString') throw ssmValidation('KeyId can only be used with the SecureString parameter type.');
    checkKeyId(input.KeyId);
  }
  const keyId =
    type === 'SecureString' ? (input.KeyId ?? (existing?.type === 'SecureString' ? existing.key_id : null) ?? DEFAULT_KEY_ID) : null;
  const allowedPattern = input.AllowedPattern ?? existing?.allowed_pattern ?? null;
  if (allowedPattern) checkAllowedPattern(allowedPattern, value);
  const dataType = input.DataType ?? existing?.data_type ?? 'text';
  checkDataType(dataType, type);

  let policies = existing?.policies ?? null;
  let expiresAt = existing?.expires_at ?? null;
  if (input.Policies !== undefined) {
    const parsed = parsePolicies(input.Policies, ctx.now);
    policies = parsed.texts.length > 0 ? parsed.texts : null;
    expiresAt = parsed.expiresAt;
  }
  const tier = resolveTier(input.Tier, existing?.tier, value, policies !== null);
  checkValueSize(value, tier);

  const tags = new Map((input.Tags ?? []).map((t) => [t.Key, t.Value]));
  if (tags.size > MAX_TAGS) throw tooManyTags();
  if (!existing || existing.tier !== tier) {
    if (store.countTier(ctx.db, ctx.region, tier, ctx.now) >= TIER_LIMITS[tier]) {
      throw parameterLimitExceeded(tier === 'Standard' ? 'standard' : 'advanced', TIER_LIMITS[tier]);
    }
  }

  const version = existing ? existing.version + 1 : 1;
  if (dataType === 'aws:ec2:image' && !isAmiId(value)) {
    // AWS answers 200 and validates the image afterwards; a value that fails is never stored
    // (PutParameter API reference, DataType). The caller sees the old version, or no parameter.
    ctx.log.warn('aws:ec2:image value is not an AMI id; parameter not stored', { name, version });
    return { Version: version, Tier: tier };
  }
  const row: NewVersion = {
    type,
    value: type === 'SecureString' ? null : value,
    sealed: type === 'SecureString' ? ctx.vault.seal(Buffer.from(value, 'utf8'), keyId!, sealContext(ctx.region, key, version)) : null,
    key_id: keyId,
    description: input.Description ?? existing?.description ?? null,
    allowed_pattern: allowedPattern,
    tier,
    policies,
    data_type: dataType,
    modified_at: ctx.now,
    modified_by: ctx.callerArn,
  };
  if (existing) {
    const { n, oldest } = store.versionStats(ctx.db, ctx.region, key);
    if (n >= MAX_VERSIONS) {
      if (store.labelsOf(ctx.db, ctx.region, key, oldest).length > 0) throw parameterMaxVersionLimitExceeded(existing.name, oldest);
      store.deleteVersion(ctx.db, ctx.region, key, oldest);
    }
    store.addVersion(ctx.db, ctx.region, key, version, expiresAt, row);
  } else {
    store.create(ctx.db, ctx.region, key, name, expiresAt, row);
    for (const [tagKey, tagValue] of tags) store.putTag(ctx.db, ctx.region, key, tagKey, tagValue);
  }
  return { Version: version, Tier: tier };
});

/** DeleteParameter: by name only (not ARN); labels, history and tags go with it. */
export const deleteParameter = operation(shapes.DeleteParameter, (input, ctx) => {
  checkNameSyntax(input.Name);
  const key = canonicalKey(input.Name);
  store.purgeIfExpired(ctx.db, ctx.region, key, ctx.now);
  if (!store.find(ctx.db, ctx.region, key, ctx.now)) throw parameterNotFound();
  store.remove(ctx.db, ctx.region, key);
  return {};
});

/** DeleteParameters: up to 10 names; those that are not there are listed, never an error. */
export const deleteParameters = operation(shapes.DeleteParameters, (input, ctx) => {
  const deleted: string[] = [];
  const invalid: string[] = [];
  for (const name of new Set(input.Names)) {
    let key: string;
    try {
      checkNameSyntax(name);
      key = canonicalKey(name);
    } catch {
      invalid.push(name);
      continue;
    }
    store.purgeIfExpired(ctx.db, ctx.region, key, ctx.now);
    if (store.find(ctx.db, ctx.region, key, ctx.now)) {
      store.remove(ctx.db, ctx.region, key);
      deleted.push(name);
    } else invalid.push(name);
  }
  return { DeletedParameters: deleted, InvalidParameters: invalid };
});
