/**
 * Where values come from, and the part every source shares: references that
 * read the same secret version (say two JSON keys of one secret) or the same
 * parameter are fetched once, then each reference takes its value out of the
 * answer. A source only says how to fetch a list of distinct reads.
 */
import type { ParameterRef, Ref, SecretRef } from './refs.js';
import { NOT_FOUND_CODES, ResolveError, secretText, secretValue } from './values.js';

/** One reference and what it resolved to: a value, or why not. */
export type Resolved = { ref: Ref; value: string; error?: undefined } | { ref: Ref; value?: undefined; error: ResolveError };

/** A parameter found under a path (`--path`). */
export interface PathEntry {
  name: string;
  value: string;
}

export interface ValueSource {
  /** For messages: where values are read from (no token, no value). */
  readonly description: string;
  /** Resolves every reference, in order; one failure does not stop the others. */
  resolve(refs: readonly Ref[]): Promise<Resolved[]>;
  /** Every parameter under `path`, recursively, decrypted. */
  parametersByPath(path: string): Promise<PathEntry[]>;
  close(): void;
}

/** A distinct secret read: id + version selectors (no JSON key). */
export interface SecretRead {
  secretId: string;
  versionStage?: string;
  versionId?: string;
}

/** A distinct parameter read: name + version or label. */
export interface ParameterRead {
  name: string;
  version?: string;
  label?: string;
}

/** What a fetch of one read gave: the GetSecretValue / GetParameter answer, or an error code and message (no value in either). */
export type Outcome<T> = { ok: true; output: T } | { ok: false; code: string; message: string };

export interface SecretOutput {
  SecretString?: unknown;
  SecretBinary?: unknown;
}
export interface ParameterOutput {
  Value?: unknown;
}

/** How a source fetches distinct reads; the results come back in the same order. */
export interface Fetchers {
  secrets(reads: SecretRead[]): Promise<Outcome<SecretOutput>[]>;
  parameters(reads: ParameterRead[]): Promise<Outcome<ParameterOutput>[]>;
}

export function secretReadKey(r: SecretRead): string {
  return JSON.stringify([r.secretId, r.versionStage ?? null, r.versionId ?? null]);
}
export function parameterReadKey(r: ParameterRead): string {
  return JSON.stringify([r.name, r.version ?? null, r.label ?? null]);
}

/** Resolves `refs` with one fetch per distinct read; both services are fetched concurrently. */
export async function resolveWith(fetchers: Fetchers, refs: readonly Ref[]): Promise<Resolved[]> {
  const secretReads = new Map<string, SecretRead>();
  const parameterReads = new Map<string, ParameterRead>();
  for (const ref of refs) {
    if (ref.kind === 'secret') {
      const read = { secretId: ref.secretId, versionStage: ref.versionStage, versionId: ref.versionId };
      secretReads.set(secretReadKey(read), read);
    } else {
      const read = { name: ref.name, version: ref.version, label: ref.label };
      parameterReads.set(parameterReadKey(read), read);
    }
  }
  const [secretOutcomes, parameterOutcomes] = await Promise.all([
    secretReads.size > 0 ? fetchers.secrets([...secretReads.values()]) : [],
    parameterReads.size > 0 ? fetchers.parameters([...parameterReads.values()]) : [],
  ]);
  const secrets = new Map([...secretReads.keys()].map((k, i) => [k, secretOutcomes[i]]));
  const parameters = new Map([...parameterReads.keys()].map((k, i) => [k, parameterOutcomes[i]]));
  return refs.map((ref): Resolved => {
    try {
      if (ref.kind === 'secret') {
        const outcome = secrets.get(secretReadKey({ secretId: ref.secretId, versionStage: ref.versionStage, versionId: ref.versionId }));
        return { ref, value: secretValue(ref, secretText(ref, unwrap(ref, outcome))) };
      }
      const outcome = parameters.get(parameterReadKey({ name: ref.name, version: ref.version, label: ref.label }));
      return { ref, value: parameterValue(ref, unwrap(ref, outcome)) };
    } catch (e) {
      if (e instanceof ResolveError) return { ref, error: e };
      throw e;
    }
  });
}

function unwrap<T>(ref: Ref, outcome: Outcome<T> | undefined): T {
  if (!outcome) throw new ResolveError(ref, 'InternalError', 'no answer for this reference', false);
  if (outcome.ok) return outcome.output;
  throw new ResolveError(ref, outcome.code, outcome.message, NOT_FOUND_CODES.has(outcome.code));
}

function parameterValue(ref: ParameterRef, output: ParameterOutput): string {
  if (typeof output.Value === 'string') return output.Value;
  throw new ResolveError(ref, 'InvalidResponse', `parameter '${ref.name}': the answer holds no Value`, false);
}

/** The message for a reference that did not resolve: `REF: Code: message`. */
export function describeFailure(ref: SecretRef | ParameterRef, error: ResolveError): string {
  return `${ref.text}: ${error.code}${error.message ? `: ${error.message}` : ''}`;
}
