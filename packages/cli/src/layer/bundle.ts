/**
 * Bundles the extension (entry `packages/extension/src/main.ts` by default)
 * into ONE minified JavaScript file with esbuild: no node_modules in the
 * layer, a single file to read and compile at cold start.
 *
 * Two formats:
 * - 'esm' for the Node.js layer (run by the runtime's `node`);
 * - 'cjs' for the single-executable layers: Node 20's SEA runs its main
 *   script as CommonJS and its `require` only reaches built-in modules, so
 *   everything must be inlined and dynamic `import()` turned into `require`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type BundleFormat = 'esm' | 'cjs';

export class BundleError extends Error {
  readonly code = 'BundleError';
}

/** The extension's entry point, from source when present (monorepo), else its build output. */
export function defaultExtensionEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url)); // packages/cli/{src,dist}/layer
  const source = join(here, '../../../extension/src/main.ts');
  const built = join(here, '../../../extension/dist/main.js');
  if (existsSync(source)) return source;
  if (existsSync(built)) return built;
  throw new BundleError(`extension entry not found (looked for ${source} and ${built}); pass --entry`);
}

/** Bundles `entry` and returns the code. Deterministic: same sources, same bytes. */
export async function bundleExtension(entry: string, format: BundleFormat): Promise<Buffer> {
  if (!existsSync(entry)) throw new BundleError(`extension entry not found: ${entry}`);
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new BundleError('parasol layer build needs esbuild: npm install -D esbuild');
  }
  let result: import('esbuild').BuildResult<{ write: false }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'node',
      target: 'node20',
      format,
      minify: true,
      // Workspace packages resolve to their TypeScript sources, as in tests.
      conditions: ['source'],
      legalComments: 'eof',
      logLevel: 'silent',
      outfile: format === 'esm' ? 'index.mjs' : 'index.cjs',
      ...(format === 'esm'
        ? {
            // Bundled CommonJS dependencies call require() for built-ins; ESM has no require, so provide one.
            banner: {
              js: "import{createRequire as __parasolCreateRequire}from'node:module';const require=__parasolCreateRequire(import.meta.url);",
            },
          }
        : {
            // SEA main scripts cannot import(); inline lazy imports as require() of the bundled module.
            supported: { 'dynamic-import': false },
            define: { 'import.meta.url': '__parasolImportMetaUrl' },
            banner: { js: "var __parasolImportMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
          }),
    });
  } catch (e) {
    const errors = (e as { errors?: { text: string }[] }).errors?.map((x) => x.text) ?? [(e as Error).message];
    throw new BundleError(`bundling ${entry} failed: ${errors.join('; ')}`);
  }
  const errors = result.errors.map((e) => e.text);
  if (errors.length > 0 || result.outputFiles.length !== 1) throw new BundleError(`esbuild failed: ${errors.join('; ')}`);
  return Buffer.from(result.outputFiles[0].contents);
}
