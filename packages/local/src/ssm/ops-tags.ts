import { operation, type ServiceContext } from '../module.js';
import { invalidResourceId, invalidResourceType, tooManyTags } from './errors.js';
import { canonicalKey, checkNameSyntax } from './names.js';
import { MAX_TAGS } from './ops-write.js';
import { shapes } from './shapes.js';
import * as store from './store.js';

/** The parameter a tagging call names: ResourceType must be `Parameter`, ResourceId its name. */
function resource(input: { ResourceType: string; ResourceId: string }, ctx: ServiceContext) {
  if (input.ResourceType !== 'Parameter') throw invalidResourceType();
  try {
    checkNameSyntax(input.ResourceId);
  } catch {
    throw invalidResourceId();
  }
  const key = canonicalKey(input.ResourceId);
  if (!store.find(ctx.db, ctx.region, key, ctx.now)) throw invalidResourceId();
  return { key };
}

export const addTagsToResource = operation(shapes.AddTagsToResource, (input, ctx) => {
  const { key } = resource(input, ctx);
  for (const tag of input.Tags) store.putTag(ctx.db, ctx.region, key, tag.Key, tag.Value);
  if (store.tagCount(ctx.db, ctx.region, key) > MAX_TAGS) throw tooManyTags();
  return {};
});

export const removeTagsFromResource = operation(shapes.RemoveTagsFromResource, (input, ctx) => {
  const { key } = resource(input, ctx);
  for (const tagKey of input.TagKeys) store.deleteTag(ctx.db, ctx.region, key, tagKey);
  return {};
});

export const listTagsForResource = operation(shapes.ListTagsForResource, (input, ctx) => {
  const { key } = resource(input, ctx);
  return { TagList: store.tags(ctx.db, ctx.region, key) };
});
