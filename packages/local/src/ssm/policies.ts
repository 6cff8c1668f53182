import { incompatiblePolicy, invalidPolicyAttribute, invalidPolicyType, policiesLimitExceeded, ssmValidation } from './errors.js';

/**
 * Parameter policies (Advanced tier only): `Expiration` deletes the parameter
 * at a time, the two notification policies are stored and reported (parasol
 * has no EventBridge to notify). Validation follows the AWS user guide.
 */
export const MAX_POLICIES = 10;
const POLICY_TYPES = ['Expiration', 'ExpirationNotification', 'NoChangeNotification'] as const;
type PolicyType = (typeof POLICY_TYPES)[number];

export interface ParsedPolicies {
  /** Each policy's text, as stored and returned in `PolicyText`. */
  texts: string[];
  /** Epoch ms of the Expiration policy, if any. */
  expiresAt: number | null;
}

export function parsePolicies(json: string, now: number): ParsedPolicies {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw ssmValidation(
      'Policies must be a JSON array of parameter policies, e.g. [{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-01-01T00:00:00.000Z"}}].',
    );
  }
  if (!Array.isArray(parsed)) {
    throw ssmValidation('Policies must be a JSON array of parameter policies.');
  }
  if (parsed.length > MAX_POLICIES) throw policiesLimitExceeded();
  const seen = new Set<PolicyType>();
  let expiresAt: number | null = null;
  const texts: string[] = [];
  for (const policy of parsed) {
    if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
      throw invalidPolicyAttribute('Each parameter policy must be a JSON object with Type, Version and Attributes.');
    }
    const { Type: type, Version: version, Attributes: attributes } = policy as Record<string, unknown>;
    if (typeof type !== 'string' || !(POLICY_TYPES as readonly string[]).includes(type)) throw invalidPolicyType(String(type));
    if (version !== undefined && version !== '1.0') {
      throw invalidPolicyAttribute(`The policy version ${String(version)} is not supported. Use version 1.0.`);
    }
    if (seen.has(type as PolicyType)) {
      throw incompatiblePolicy(`A parameter can have only one ${type} policy.`);
    }
    seen.add(type as PolicyType);
    const attrs = (attributes ?? {}) as Record<string, unknown>;
    if (typeof attrs !== 'object' || Array.isArray(attrs)) throw invalidPolicyAttribute(`The ${type} policy needs an Attributes object.`);
    if (type === 'Expiration') expiresAt = expirationTime(attrs, now);
    else checkInterval(type, attrs, type === 'ExpirationNotification' ? 'Before' : 'After');
    texts.push(JSON.stringify(policy));
  }
  if (seen.has('ExpirationNotification') && !seen.has('Expiration')) {
    throw incompatiblePolicy('An ExpirationNotification policy requires an Expiration policy on the same parameter.');
  }
  return { texts, expiresAt };
}

function expirationTime(attrs: Record<string, unknown>, now: number): number {
  const stamp = attrs.Timestamp;
  const ms = typeof stamp === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(stamp) ? Date.parse(stamp) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw invalidPolicyAttribute('The Expiration policy needs Attributes.Timestamp in ISO 8601 format, e.g. 2030-01-01T00:00:00.000Z.');
  }
  if (ms <= now) throw invalidPolicyAttribute(`The Expiration policy timestamp ${stamp} is in the past. Specify a future date and time.`);
  return ms;
}

function checkInterval(type: string, attrs: Record<string, unknown>, field: 'Before' | 'After'): void {
  const amount = attrs[field];
  const unit = attrs.Unit;
  if (typeof amount !== 'string' || !/^[1-9]\d*$/.test(amount)) {
    throw invalidPolicyAttribute(`The ${type} policy needs Attributes.${field} as a positive whole number in a string, e.g. "15".`);
  }
  if (unit !== 'Days' && unit !== 'Hours') {
    throw invalidPolicyAttribute(`The ${type} policy needs Attributes.Unit set to Days or Hours.`);
  }
}

/** The `Policies` member of ParameterMetadata / ParameterHistory. */
export function renderPolicies(stored: string[] | null): Array<{ PolicyText: string; PolicyType: string; PolicyStatus: string }> {
  if (!stored) return [];
  return stored.map((text) => ({
    PolicyText: text,
    PolicyType: (JSON.parse(text) as { Type: string }).Type,
    PolicyStatus: 'Pending',
  }));
}
