/**
 * Bundles the extension (entry `packages/extension/src/main.ts` by default)
 * into ONE minified JavaScript file with esbuild: no node_modules in the
 * layer, a single file to read and compile at cold start.
 *
 * Two shapes:
 * - `bundleExtension(entry)`, one self-contained file for the
 *   single-executable layers: a SEA (Node 20 to 24) runs its main script as CommonJS
 *   and its `require` only reaches built-in modules, so everything is inlined
 *   and dynamic `import()` turned into `require` (its V8 code cache makes the
 *   inlined code cheap to start).
 * - `bundleStandalone(entry)`: the same, plus the exec wrapper's program
 *   behind a first-argument switch (see EXEC_ENV_FLAG); the layers' SEA main.
 * - `bundleNodejsLayer(entry)` for the Node.js layer: `index.cjs` holds what
 *   start-up runs, and the packages the extension imports lazily (the SigV4
 *   signer, the credential provider chain) go to `lib/*.cjs`, required on first
 *   use. Measured on this machine: spawn → first /ping 200 was ~92 ms with them
 *   apart (bare node:http: ~97 ms) and ~128 ms with them inlined, because the
 *   runtime parses every byte of the file it starts, used or not. CommonJS,
 *   not ESM: the ESM loader alone cost ~15 ms more at start.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Packages the extension imports lazily, and the `lib/` file of the Node.js
 * layer each one is bundled into. The names each import destructures must be
 * re-exported by its file (see LAZY_LIB_SOURCES).
 */
export const LAZY_PACKAGES: Record<string, string> = {
  '@smithy/signature-v4': 'lib/signer.cjs',
  '@smithy/hash-node': 'lib/signer.cjs',
  '@aws-sdk/credential-providers': 'lib/credential-providers.cjs',
  '@parasol/sigv4': 'lib/sigv4.cjs',
};
const LAZY_LIB_SOURCES: Record<string, string> = {
  'lib/signer.cjs': "export { SignatureV4 } from '@smithy/signature-v4';\nexport { Hash } from '@smithy/hash-node';\n",
  'lib/credential-providers.cjs': "export { fromNodeProviderChain } from '@aws-sdk/credential-providers';\n",
  // The SDK-shaped endpoint's verifier: required on the first signed request.
  'lib/sigv4.cjs': "export { SigV4Verifier, SigV4Error } from '@parasol/sigv4';\n",
};
export const NODEJS_ENTRY_FILE = 'index.cjs';

export class BundleError extends Error {
  readonly code = 'BundleError';
}

/** First argument that makes the standalone executable print the exec wrapper's environment script instead of running the extension. */
export const EXEC_ENV_FLAG = '--parasol-exec-env';
/** The exec wrapper's program in the Node.js layer's bundle folder. */
export const EXEC_ENTRY_FILE = 'exec.cjs';

/** The exec wrapper's resolving program (packages/cli/src/layer/exec-entry.ts, or its build output). */
export function defaultExecEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url)); // packages/cli/{src,dist}/layer
  const source = join(here, '../../src/layer/exec-entry.ts');
  const built = join(here, 'exec-entry.js');
  if (existsSync(source)) return source;
  if (existsSync(built)) return built;
  throw new BundleError(`exec wrapper entry not found (looked for ${source} and ${built})`);
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

/** The version of this package (src/ and dist/ sit one level below package.json); the packages are released together. */
function cliVersion(): string {
  return JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')).version;
}

/** Options every bundle shares: CommonJS for Node 20, minified, deterministic. */
const COMMON_OPTIONS: import('esbuild').BuildOptions = {
  bundle: true,
  write: false,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  // Workspace packages resolve to their TypeScript sources, as in tests.
  conditions: ['source'],
  legalComments: 'eof',
  logLevel: 'silent',
  // Lazy imports become require(): SEA main scripts cannot import(), and a CommonJS file has no import.meta.
  supported: { 'dynamic-import': false },
};
/** For the extension's entry file: give it the import.meta.url it reads. */
const ENTRY_OPTIONS: import('esbuild').BuildOptions = {
  // The version is built in: a layer ships no package.json (`parasol-extension --version`, the User-Agent).
  define: { 'import.meta.url': '__parasolImportMetaUrl', __PARASOL_VERSION__: JSON.stringify(cliVersion()) },
  banner: { js: "var __parasolImportMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
};

/** The single-executable layers' script: everything in one CommonJS file. Deterministic: same sources, same bytes. */
export async function bundleExtension(entry: string): Promise<Buffer> {
  if (!existsSync(entry)) throw new BundleError(`extension entry not found: ${entry}`);
  return runEsbuild(await loadEsbuild(), entry, { ...COMMON_OPTIONS, ...ENTRY_OPTIONS, entryPoints: [entry], outfile: 'index.cjs' });
}

/** The files (relative to the working directory) that make up the full bundle of `entry`: for the licences they carry. */
export async function bundleInputs(entry: string): Promise<string[]> {
  if (!existsSync(entry)) throw new BundleError(`extension entry not found: ${entry}`);
  const esbuild = await loadEsbuild();
  try {
    const result = await esbuild.build({ ...COMMON_OPTIONS, ...ENTRY_OPTIONS, entryPoints: [entry], outfile: 'index.cjs', metafile: true });
    return Object.keys(result.metafile.inputs);
  } catch (e) {
    throw new BundleError(`bundling ${entry} failed: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * The exec wrapper's resolving program (`parasol-extension/exec.cjs` of the
 * Node.js layer): Node built-ins only, one CommonJS file.
 */
export async function bundleExecWrapper(execEntry = defaultExecEntry()): Promise<Buffer> {
  if (!existsSync(execEntry)) throw new BundleError(`exec wrapper entry not found: ${execEntry}`);
  return runEsbuild(await loadEsbuild(), execEntry, { ...COMMON_OPTIONS, entryPoints: [execEntry], outfile: EXEC_ENTRY_FILE });
}

/**
 * The standalone executable's main script: the extension, or with
 * `EXEC_ENV_FLAG` as its first argument the exec wrapper's resolving program
 * (a SEA runs one main script, so one file holds both). Each part is imported
 * lazily, so the extension's start compiles none of the wrapper's code.
 */
export async function bundleStandalone(extensionEntry: string, execEntry = defaultExecEntry()): Promise<Buffer> {
  for (const entry of [extensionEntry, execEntry]) if (!existsSync(entry)) throw new BundleError(`entry not found: ${entry}`);
  const contents = `if (process.argv[2] === ${JSON.stringify(EXEC_ENV_FLAG)}) import(${JSON.stringify(execEntry)}); else import(${JSON.stringify(extensionEntry)});\n`;
  return runEsbuild(await loadEsbuild(), extensionEntry, {
    ...COMMON_OPTIONS,
    ...ENTRY_OPTIONS,
    stdin: { contents, resolveDir: dirname(extensionEntry), loader: 'js', sourcefile: 'standalone-main.js' },
    outfile: 'index.cjs',
  });
}

/**
 * The Node.js layer's files (paths relative to the layer's bundle folder):
 * `index.cjs` plus one `lib/*.cjs` per entry of LAZY_LIB_SOURCES. Deterministic.
 */
export async function bundleNodejsLayer(entry: string): Promise<Map<string, Buffer>> {
  if (!existsSync(entry)) throw new BundleError(`extension entry not found: ${entry}`);
  const esbuild = await loadEsbuild();
  // dist-es builds let esbuild drop what the signer does not use.
  const common: import('esbuild').BuildOptions = { ...COMMON_OPTIONS, mainFields: ['module', 'main'] };
  const files = new Map<string, Buffer>();
  const lazyImports = {
    name: 'parasol-lazy-libs',
    setup(build: import('esbuild').PluginBuild) {
      const filter = new RegExp(
        `^(${Object.keys(LAZY_PACKAGES)
          .map((p) => p.replace(/[/.@-]/g, '\\$&'))
          .join('|')})$`,
      );
      build.onResolve({ filter }, (args) => ({ path: `./${LAZY_PACKAGES[args.path]}`, external: true }));
    },
  };
  files.set(
    NODEJS_ENTRY_FILE,
    await runEsbuild(esbuild, entry, {
      ...common,
      ...ENTRY_OPTIONS,
      entryPoints: [entry],
      outfile: NODEJS_ENTRY_FILE,
      plugins: [lazyImports],
    }),
  );
  const resolveDir = dirname(entry);
  for (const [file, contents] of Object.entries(LAZY_LIB_SOURCES)) {
    files.set(
      file,
      await runEsbuild(esbuild, file, { ...common, stdin: { contents, resolveDir, loader: 'ts', sourcefile: file }, outfile: file }),
    );
  }
  return files;
}

async function loadEsbuild(): Promise<typeof import('esbuild')> {
  try {
    return await import('esbuild');
  } catch {
    throw new BundleError('parasol layer build needs esbuild: npm install -D esbuild');
  }
}

async function runEsbuild(esbuild: typeof import('esbuild'), what: string, options: import('esbuild').BuildOptions): Promise<Buffer> {
  let result: import('esbuild').BuildResult;
  try {
    result = await esbuild.build(options);
  } catch (e) {
    const errors = (e as { errors?: { text: string }[] }).errors?.map((x) => x.text) ?? [(e as Error).message];
    throw new BundleError(`bundling ${what} failed: ${errors.join('; ')}`);
  }
  if (result.errors.length > 0 || result.outputFiles?.length !== 1) {
    throw new BundleError(`esbuild failed for ${what}: ${result.errors.map((e) => e.text).join('; ')}`);
  }
  return Buffer.from(result.outputFiles[0].contents);
}
