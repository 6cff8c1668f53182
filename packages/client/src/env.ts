/** Defaults that Powertools reads from the environment, read the same way (at call time). */

/** Cache time in seconds when neither the option nor `POWERTOOLS_PARAMETERS_MAX_AGE` says otherwise. */
export const DEFAULT_MAX_AGE_SECS = 5;

/** Transform names (same object as Powertools' `Transform`). */
export const Transform = { JSON: 'json', BINARY: 'binary', AUTO: 'auto' } as const;

const TRUTHY = new Set(['1', 'y', 'yes', 't', 'true', 'on']);
const FALSY = new Set(['0', 'n', 'no', 'f', 'false', 'off']);

/** `maxAge` option, else `POWERTOOLS_PARAMETERS_MAX_AGE`, else 5 seconds. */
export function resolveMaxAge(maxAge: number | undefined): number {
  if (maxAge !== undefined) {
    if (typeof maxAge !== 'number' || Number.isNaN(maxAge))
      throw new TypeError(`maxAge must be a number of seconds, got ${String(maxAge)}`);
    return maxAge;
  }
  const raw = process.env.POWERTOOLS_PARAMETERS_MAX_AGE;
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_AGE_SECS;
  const parsed = Number(raw);
  if (Number.isNaN(parsed)) throw new TypeError('Environment variable POWERTOOLS_PARAMETERS_MAX_AGE must be a number');
  return parsed;
}

/** `decrypt` option, else `sdkOptions.WithDecryption`, else `POWERTOOLS_PARAMETERS_SSM_DECRYPT`, else false. */
export function resolveDecrypt(decrypt: boolean | undefined, sdkWithDecryption?: boolean): boolean {
  if (decrypt !== undefined) return decrypt;
  if (sdkWithDecryption !== undefined) return sdkWithDecryption;
  const raw = process.env.POWERTOOLS_PARAMETERS_SSM_DECRYPT;
  if (raw === undefined || raw.trim() === '') return false;
  const value = raw.trim().toLowerCase();
  if (TRUTHY.has(value)) return true;
  if (FALSY.has(value)) return false;
  throw new TypeError('Environment variable POWERTOOLS_PARAMETERS_SSM_DECRYPT must be a boolean');
}
