import { invalidFilterKey, invalidFilterOption, invalidFilterValue, ssmValidation } from './errors.js';
import { canonicalKey, normalisePath } from './names.js';
import { PARAMETER_TYPES, type ParameterStringFilter, TIERS } from './shapes.js';
import type { ParameterVersion } from './store.js';

/**
 * ParameterFilters (Systems Manager API Reference: ParameterStringFilter), validated up front (bad key, option,
 * value or a duplicated key fails the whole request) and compiled into a
 * predicate over a parameter's latest version.
 */
export type FilterOperation = 'DescribeParameters' | 'GetParametersByPath';

export interface CompiledFilters {
  /** `Path` filters (DescribeParameters): each path with its recursion. */
  paths: Array<{ path: string; recursive: boolean }>;
  /** `Label` filter values (GetParametersByPath). */
  labels?: string[];
  /** Tag filters need the parameter's tags; the caller supplies them lazily. */
  needsTags: boolean;
  matches(p: ParameterVersion, tags: () => Array<{ Key: string; Value: string }>): boolean;
}

const VALID_KEYS: Record<FilterOperation, string> = {
  DescribeParameters: '[Path, Name, Type, KeyId, Tier, DataType, tag:<key>]',
  GetParametersByPath: '[Type, KeyId, Label]',
};
const VALUE_SETS: Record<string, readonly string[]> = {
  Type: PARAMETER_TYPES,
  Tier: TIERS,
  DataType: ['text', 'aws:ec2:image', 'aws:ssm:integration'],
};

function optionsFor(key: string, op: FilterOperation): string[] {
  if (key === 'Path') return ['Recursive', 'OneLevel'];
  if (key === 'Label') return ['Equals'];
  if (key === 'Name' && op === 'DescribeParameters') return ['BeginsWith', 'Equals', 'Contains'];
  return ['BeginsWith', 'Equals'];
}

function allowedKey(key: string, op: FilterOperation): boolean {
  if (op === 'GetParametersByPath') return key === 'Type' || key === 'KeyId' || key === 'Label';
  return key !== 'Label';
}

type Predicate = (p: ParameterVersion, tags: () => Array<{ Key: string; Value: string }>) => boolean;

export function compileFilters(filters: ParameterStringFilter[] | undefined, op: FilterOperation): CompiledFilters {
  const compiled: CompiledFilters = { paths: [], needsTags: false, matches: () => true };
  if (!filters || filters.length === 0) return compiled;
  const seen = new Set<string>();
  const predicates: Predicate[] = [];
  for (const f of filters) {
    if (!allowedKey(f.Key, op)) {
      throw invalidFilterKey(`The following filter key is not valid: ${f.Key}. Valid filter keys include: ${VALID_KEYS[op]}.`);
    }
    if (seen.has(f.Key)) {
      throw invalidFilterKey(
        `The following filter is duplicated in the request: ${f.Key}. A request can contain only one occurrence of a specific filter.`,
      );
    }
    seen.add(f.Key);
    const isTag = f.Key.startsWith('tag:');
    const options = optionsFor(f.Key, op);
    const option = f.Option ?? (f.Key === 'Path' ? 'OneLevel' : 'Equals');
    if (!options.includes(option)) {
      throw invalidFilterOption(`The following filter option is not valid: ${option}. Valid options include: [${options.join(', ')}].`);
    }
    const values = f.Values ?? [];
    if (values.length === 0 && !isTag) {
      throw invalidFilterValue(`The following filter values are missing : null for filter key ${f.Key}.`);
    }
    const valueSet = VALUE_SETS[f.Key];
    if (valueSet && option === 'Equals') {
      const bad = values.find((v) => !valueSet.includes(v));
      if (bad !== undefined) {
        throw invalidFilterValue(`The following filter value is not valid: ${bad}. Valid values include: [${valueSet.join(', ')}].`);
      }
    }
    const test = (actual: string | null | undefined) =>
      actual != null && values.some((v) => (option === 'BeginsWith' ? actual.startsWith(v) : actual === v));
    switch (f.Key) {
      case 'Path':
        for (const value of values) {
          if (/^\/?(aws|ssm)/i.test(value)) {
            throw ssmValidation(
              'Filters for common parameters can\'t be prefixed with "aws" or "ssm" (case-insensitive). When using global parameters, please specify within a global namespace.',
            );
          }
          compiled.paths.push({ path: normalisePath(value), recursive: option === 'Recursive' });
        }
        break;
      case 'Label':
        compiled.labels = values;
        break;
      case 'Name': {
        const keys = values.map(canonicalKey);
        predicates.push((p) =>
          keys.some((k, i) =>
            option === 'Equals' ? p.key === k : option === 'BeginsWith' ? p.key.startsWith(k) : p.key.includes(values[i]),
          ),
        );
        break;
      }
      case 'Type':
        predicates.push((p) => test(p.type));
        break;
      case 'KeyId':
        predicates.push((p) => p.type === 'SecureString' && test(p.key_id));
        break;
      case 'Tier':
        predicates.push((p) => test(p.tier));
        break;
      case 'DataType':
        predicates.push((p) => test(p.data_type));
        break;
      default: {
        // tag:<key>: with no values, "has this tag key".
        const tagKey = f.Key.slice('tag:'.length);
        compiled.needsTags = true;
        predicates.push((_p, tags) => {
          const tag = tags().find((t) => t.Key === tagKey);
          return tag !== undefined && (values.length === 0 || test(tag.Value));
        });
      }
    }
  }
  compiled.matches = (p, tags) => predicates.every((pred) => pred(p, tags));
  return compiled;
}

/** The deprecated DescribeParameters `Filters` (keys Name, Type, KeyId), as ParameterFilters. */
export function legacyFilters(filters: Array<{ Key: string; Values: string[] }>): ParameterStringFilter[] {
  return filters.map((f) => ({ Key: f.Key, Option: f.Key === 'Name' ? 'BeginsWith' : 'Equals', Values: f.Values }));
}
