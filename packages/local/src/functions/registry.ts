import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

/**
 * Where rotation functions live locally: `parasol serve --functions FILE` maps a
 * Lambda function ARN (or bare function name) to either a JS/TS module that
 * exports `handler` (run in a child process, Lambda-style) or an HTTP URL that
 * receives the event as a JSON POST.
 *
 * File format (paths relative to the file):
 * ```json
 * {
 *   "arn:aws:lambda:us-east-1:123456789012:function:rotate-pg": "./rotate-pg.ts",
 *   "rotate-http": "http://127.0.0.1:9000/rotate",
 *   "rotate-env": { "handler": "./rotate.mjs", "env": { "PASSWORD_LENGTH": "40" }, "timeoutSeconds": 60 }
 * }
 * ```
 */
export type FunctionTarget =
  | { kind: 'module'; key: string; path: string; env: Record<string, string>; timeoutMs: number }
  | { kind: 'http'; key: string; url: string; env: Record<string, string>; timeoutMs: number };

/** Lambda's default timeout for rotation templates is 30 s; Lambda's maximum is 900 s. */
const DEFAULT_TIMEOUT_MS = 30_000;

export type FunctionsConfig = Record<
  string,
  string | { handler?: string; url?: string; env?: Record<string, string>; timeoutSeconds?: number }
>;

export class FunctionRegistry {
  private byKey = new Map<string, FunctionTarget>();
  /** The functions file this map was read from (`parasol serve --functions`), if any. */
  file?: string;

  constructor(config: FunctionsConfig = {}, baseDir = process.cwd()) {
    for (const [key, spec] of Object.entries(config)) this.byKey.set(key, parseTarget(key, spec, baseDir));
  }

  /**
   * Reads and checks a functions file: valid JSON, every entry well-formed, every
   * module path an existing file, every URL parseable. An error names the file and the entry.
   */
  static fromFile(file: string): FunctionRegistry {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: cannot read functions map: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(`${file}: expected a JSON object mapping function ARNs or names to a module path or URL`);
    }
    let registry: FunctionRegistry;
    try {
      registry = new FunctionRegistry(parsed as FunctionsConfig, dirname(resolve(file)));
      for (const target of registry.byKey.values()) {
        if (target.kind === 'module' && !existsSync(target.path))
          throw new Error(`functions map entry '${target.key}': module ${target.path} does not exist`);
      }
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
    registry.file = file;
    return registry;
  }

  /** Takes over another map's entries (a re-read functions file); lookups see the new map at once. */
  replaceWith(other: FunctionRegistry): void {
    this.byKey = other.byKey;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** By exact ARN, then by function name (with or without a `:qualifier`). */
  resolve(functionArnOrName: string): FunctionTarget | undefined {
    const exact = this.byKey.get(functionArnOrName);
    if (exact) return exact;
    const name = functionName(functionArnOrName);
    return name === undefined ? undefined : this.byKey.get(name);
  }
}

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` → `<name>`; a bare name → itself. */
export function functionName(arnOrName: string): string | undefined {
  if (!arnOrName.startsWith('arn:')) return arnOrName.split(':')[0] || undefined;
  const parts = arnOrName.split(':');
  if (parts.length < 7 || parts[2] !== 'lambda' || parts[5] !== 'function') return undefined;
  return parts[6] || undefined;
}

function parseTarget(key: string, spec: FunctionsConfig[string], baseDir: string): FunctionTarget {
  const fail = (why: string) => new Error(`functions map entry '${key}': ${why}`);
  const obj = typeof spec === 'string' ? { handler: spec } : spec;
  if (obj === null || typeof obj !== 'object') throw fail('expected a module path, a URL, or {"handler"|"url", "env", "timeoutSeconds"}');
  const where = obj.url ?? obj.handler;
  if (typeof where !== 'string' || where === '') throw fail('missing module path or URL');
  const env = obj.env ?? {};
  if (typeof env !== 'object' || Object.values(env).some((v) => typeof v !== 'string')) throw fail('"env" must map names to strings');
  const timeoutSeconds = obj.timeoutSeconds ?? DEFAULT_TIMEOUT_MS / 1000;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 900) throw fail('"timeoutSeconds" must be 1-900');
  const timeoutMs = timeoutSeconds * 1000;
  if (/^https?:\/\//.test(where)) {
    if (!URL.canParse(where)) throw fail(`'${where}' is not a valid URL`);
    return { kind: 'http', key, url: where, env, timeoutMs };
  }
  return { kind: 'module', key, path: isAbsolute(where) ? where : resolve(baseDir, where), env, timeoutMs };
}
