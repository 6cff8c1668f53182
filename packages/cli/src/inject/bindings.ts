/**
 * Variable name → reference bindings (from `--env NAME=REF`, from
 * `PARASOL_ENV_<NAME>=REF` variables, from `--path PREFIX`), and their
 * resolution into the values a child process is given.
 */
import { checkEnvName, envNameForPath, parseRef, type Ref, RefError } from './refs.js';
import { describeFailure, type ValueSource } from './source.js';
import { ResolveError } from './values.js';

export const ENV_BINDING_PREFIX = 'PARASOL_ENV_';

export interface Binding {
  name: string;
  ref: Ref;
}

/** `NAME=REF` (the `--env` flag). */
export function parseBinding(text: string): Binding {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new RefError(`--env '${text.slice(0, 200)}' must be NAME=REF (REF is sm:… or ssm:…)`);
  const name = text.slice(0, eq);
  checkEnvName(name, '--env');
  return { name, ref: parseRef(text.slice(eq + 1)) };
}

/** Every `PARASOL_ENV_<NAME>=REF` in `env`, sorted by name. */
export function bindingsFromEnv(env: NodeJS.ProcessEnv): Binding[] {
  return Object.keys(env)
    .filter((k) => k.startsWith(ENV_BINDING_PREFIX) && k.length > ENV_BINDING_PREFIX.length)
    .sort()
    .map((k) => {
      const name = k.slice(ENV_BINDING_PREFIX.length);
      checkEnvName(name, k);
      try {
        return { name, ref: parseRef(env[k] ?? '') };
      } catch (e) {
        if (e instanceof RefError) throw new RefError(`${k}: ${e.message}`);
        throw e;
      }
    });
}

/** A binding that did not resolve (names and references only: safe to print). */
export interface Failure {
  name: string;
  ref: Ref;
  error: ResolveError;
}

export interface Resolution {
  /** Name → value, for the child's environment or a template. */
  values: Map<string, string>;
  failures: Failure[];
}

/**
 * Resolves explicit bindings and every parameter under `paths`. An explicit
 * binding wins over a path-derived name; two parameters under the paths that
 * map to the same name are an error naming both.
 */
export async function resolveBindings(
  source: ValueSource,
  bindings: readonly Binding[],
  paths: readonly string[] = [],
): Promise<Resolution> {
  const values = new Map<string, string>();
  const failures: Failure[] = [];
  const fromPath = new Map<string, string>();
  for (const path of paths) {
    for (const entry of await source.parametersByPath(path)) {
      const name = envNameForPath(entry.name, path);
      const earlier = fromPath.get(name);
      if (earlier !== undefined && earlier !== entry.name) {
        throw new RefError(`--path ${path}: parameters ${earlier} and ${entry.name} both map to the name ${name}`);
      }
      fromPath.set(name, entry.name);
      values.set(name, entry.value);
    }
  }
  const resolved = await source.resolve(bindings.map((b) => b.ref));
  bindings.forEach((binding, i) => {
    const r = resolved[i];
    if (r.error) {
      failures.push({ name: binding.name, ref: binding.ref, error: r.error });
      values.delete(binding.name);
      return;
    }
    if (r.value.includes('\0')) {
      const error = new ResolveError(
        binding.ref,
        'InvalidValue',
        'the value contains a NUL byte, which an environment variable cannot hold',
        false,
      );
      failures.push({ name: binding.name, ref: binding.ref, error });
      return;
    }
    values.set(binding.name, r.value);
  });
  for (const [name, value] of values) {
    if (value.includes('\0')) {
      values.delete(name);
      throw new RefError(`parameter ${fromPath.get(name)} (for ${name}) contains a NUL byte, which an environment variable cannot hold`);
    }
  }
  return { values, failures };
}

/** `NAME (REF): Code: message` for each failure. */
export function describeFailures(failures: readonly Failure[]): string[] {
  return failures.map((f) => `${f.name} (${describeFailure(f.ref, f.error)})`);
}
