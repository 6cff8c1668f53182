import { invalidParameter } from './errors.js';
import type { FilterInput } from './shapes.js';
import type { SecretRow } from './store.js';

/**
 * ListSecrets / BatchGetSecretValue filters (Secrets Manager API Reference: ListSecrets, Filter), as AWS
 * behaves rather than as the model documents:
 * - `name`, `tag-key`, `tag-value`, `primary-region`, `owning-service`:
 *   case-sensitive prefix match on the whole string (no word splitting).
 * - `description` and `all`: word-based and case-insensitive: every word of the
 *   value must prefix-match some word of the attribute. `all` searches the name,
 *   description, tag keys and tag values.
 * - A leading `!` negates a value: it matches when no attribute matches.
 * - Values of one filter are OR'ed; filters (even with the same key) are AND'ed.
 */

export interface Filter {
  key: NonNullable<FilterInput['Key']>;
  values: string[];
}

/** Checks the filters the shape could not (missing key or values: InvalidParameterException, as moto). */
export function checkFilters(filters: FilterInput[] | undefined): Filter[] {
  return (filters ?? []).map((f) => {
    if (!f.Key) throw invalidParameter('Invalid filter key');
    if (!f.Values || f.Values.length === 0) throw invalidParameter(`Invalid filter values for key: ${f.Key}`);
    return { key: f.Key, values: f.Values };
  });
}

/**
 * Splits an attribute or a search value into words: on whitespace, on
 * `/ _ + = . @ -`, and before an upper-case letter that starts a lower-case
 * run (`MyTest` → My, Test; `COMPANYthings` → COMPAN, Ythings).
 */
export function splitWords(text: string): string[] {
  return text
    .split(/[\s/_+=.@-]+/)
    .flatMap((part) => part.split(/(?=[A-Z][a-z])/))
    .filter((w) => w.length > 0);
}

function wordsMatch(pattern: string, attribute: string): boolean {
  const wanted = splitWords(pattern).map((w) => w.toLowerCase());
  if (wanted.length === 0) return false;
  const have = splitWords(attribute).map((w) => w.toLowerCase());
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}

interface Attributes {
  strings: string[];
  wordBased: boolean;
}

function attributesFor(key: Filter['key'], secret: SecretRow, tags: { Key: string; Value: string }[]): Attributes {
  switch (key) {
    case 'name':
      return { strings: [secret.name], wordBased: false };
    case 'description':
      return { strings: secret.description ? [secret.description] : [], wordBased: true };
    case 'tag-key':
      return { strings: tags.map((t) => t.Key), wordBased: false };
    case 'tag-value':
      return { strings: tags.map((t) => t.Value), wordBased: false };
    case 'primary-region':
      return { strings: secret.primary_region ? [secret.primary_region] : [], wordBased: false };
    case 'owning-service':
      return { strings: secret.owning_service ? [secret.owning_service] : [], wordBased: false };
    case 'all':
      return {
        strings: [secret.name, ...(secret.description ? [secret.description] : []), ...tags.flatMap((t) => [t.Key, t.Value])],
        wordBased: true,
      };
  }
}

function valueMatches(value: string, attrs: Attributes): boolean {
  const negated = value.startsWith('!');
  const pattern = negated ? value.slice(1) : value;
  const hit = attrs.strings.some((s) => (attrs.wordBased ? wordsMatch(pattern, s) : s.startsWith(pattern)));
  return negated ? !hit : hit;
}

export function matchesFilters(secret: SecretRow, filters: Filter[]): boolean {
  if (filters.length === 0) return true;
  const tags = secret.tags ?? [];
  return filters.every((f) => {
    const attrs = attributesFor(f.key, secret, tags);
    return f.values.some((v) => valueMatches(v, attrs));
  });
}
