import { operation, type ServiceContext } from '../module.js';
import { session } from './common.js';
import { invalidResourceId, invalidResourceType, tooManyTags } from './errors.js';
import { canonicalKey, checkNameSyntax } from './names.js';
import { MAX_TAGS } from './ops-write.js';
import { shapes } from './shapes.js';

/** The parameter a tagging call names: ResourceType must be `Parameter`, ResourceId its name. */
function resource(input: { ResourceType: string; ResourceId: string }, ctx: ServiceContext) {
  if (input.ResourceType !== 'Parameter') throw invalidResourceType();
  const { store } = session(ctx);
  try {
    checkNameSyntax(input.ResourceId);
  } catch {
    throw invalidResourceId();
  }
  const key = canonicalKey(input.ResourceId);
  if (!store.find(ctx.region, key, ctx.now)) throw invalidResourceId();
  return { store, key };
}

export const addTagsToResource = operation(shapes.AddTagsToResource, (input, ctx) => {
  const { store, key } = resource(input, ctx);
  for (const tag of input.Tags) store.putTag(ctx.region, key, tag.Key, tag.Value);
  if (store.tagCount(ctx.region, key) > MAX_TAGS) throw tooManyTags();
  return {};
});

export const removeTagsFromResource = operation(shapes.RemoveTagsFromResource, (input, ctx) => {
  const { store, key } = resource(input, ctx);
  for (const tagKey of input.TagKeys) store.deleteTag(ctx.region, key, tagKey);
  return {};
});

export const listTagsForResource = operation(shapes.ListTagsForResource, (input, ctx) => {
  const { store, key } = resource(input, ctx);
  return { TagList: store.tags(ctx.region, key) };
});
