/**
 * `parasol layer build`: the three Lambda layer zips.
 *
 *   parasol-extension-nodejs.zip   extensions/parasol (sh launcher) + parasol-extension/index.cjs (+ lib/*.cjs, loaded lazily)
 *                                  + parasol-exec (exec wrapper) + parasol-extension/exec.cjs (its resolving program)
 *   parasol-extension-x86_64.zip   extensions/parasol (standalone SEA executable, also the wrapper's resolver) + Node's LICENSE
 *                                  + parasol-exec
 *   parasol-extension-arm64.zip    same, for Graviton
 *
 * Reproducible: the bundle, the SEA executable and the zip are deterministic
 * functions of the sources and the pinned Node version.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { arch as hostArch, platform } from 'node:os';
import { join } from 'node:path';
import { bundleExecWrapper, bundleInputs, bundleNodejsLayer, bundleStandalone, defaultExtensionEntry, EXEC_ENTRY_FILE } from './bundle.js';
import { BUNDLE_DIR, EXEC_WRAPPER_FILE, execWrapperScript, nodejsLauncherScript } from './launcher.js';
import { parasolLicense, thirdPartyLicenses } from './licenses.js';
import { DEFAULT_NODE_VERSION, fetchNodeBinary, type LambdaArch, resolveNodeVersion } from './node-binary.js';
import { buildSeaExecutable } from './sea.js';
import { writeZip, type ZipEntry } from './zip.js';

export type LayerVariant = 'nodejs' | LambdaArch;
export const LAYER_VARIANTS: readonly LayerVariant[] = ['nodejs', 'x86_64', 'arm64'];
/** Name of the file Lambda execs, and the name the extension registers under. */
export const EXTENSION_FILE = 'extensions/parasol';

export function layerFileName(variant: LayerVariant): string {
  return `parasol-extension-${variant}.zip`;
}

export interface LayerBuildOptions {
  outDir: string;
  /** Extension entry point (default: packages/extension/src/main.ts). */
  entry?: string;
  variants?: readonly LayerVariant[];
  /** Node version of the standalone layers' binaries: exact, or a pinned major (`22`). */
  nodeVersion?: string;
  /** Where downloaded Node tarballs/binaries are kept. */
  cacheDir?: string;
  log?: (line: string) => void;
}

export interface BuiltLayer {
  variant: LayerVariant;
  path: string;
  /** Zip size in bytes. */
  bytes: number;
  /** Sum of the unpacked file sizes (counts against Lambda's 250 MB). */
  unpackedBytes: number;
}

export function defaultCacheDir(cwd = process.cwd()): string {
  return process.env.PARASOL_LAYER_CACHE || join(cwd, 'node_modules', '.cache', 'parasol-layer');
}

export async function buildLayers(options: LayerBuildOptions): Promise<BuiltLayer[]> {
  const log = options.log ?? (() => {});
  const variants = options.variants ?? LAYER_VARIANTS;
  const entry = options.entry ?? defaultExtensionEntry();
  const nodeVersion = resolveNodeVersion(options.nodeVersion ?? DEFAULT_NODE_VERSION);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  await mkdir(options.outDir, { recursive: true });
  const built: BuiltLayer[] = [];

  // Every layer carries parasol's licence and those of the npm packages bundled into the extension.
  const licenses: ZipEntry[] = [
    { path: `${BUNDLE_DIR}/LICENSE`, data: parasolLicense(), mode: 0o644 },
    { path: `${BUNDLE_DIR}/THIRD-PARTY-LICENSES`, data: thirdPartyLicenses(await bundleInputs(entry)), mode: 0o644 },
  ];

  if (variants.includes('nodejs')) {
    const files = await bundleNodejsLayer(entry);
    built.push(
      await writeLayer(options.outDir, 'nodejs', [
        { path: EXTENSION_FILE, data: Buffer.from(nodejsLauncherScript()), mode: 0o755 },
        ...[...files].map(([path, data]) => ({ path: `${BUNDLE_DIR}/${path}`, data, mode: 0o644 })),
        { path: EXEC_WRAPPER_FILE, data: Buffer.from(execWrapperScript('nodejs')), mode: 0o755 },
        { path: `${BUNDLE_DIR}/${EXEC_ENTRY_FILE}`, data: await bundleExecWrapper(), mode: 0o644 },
        ...licenses,
      ]),
    );
  }

  const archs = variants.filter((v): v is LambdaArch => v !== 'nodejs');
  if (archs.length > 0) {
    const bundle = await bundleStandalone(entry);
    const writer = await blobWriter(nodeVersion, cacheDir, log);
    for (const arch of archs) {
      const target = await fetchNodeBinary(arch, nodeVersion, cacheDir, log);
      // A V8 code cache only for the architecture whose binary writes the blob natively (see sea.ts).
      const codeCache = writer.arch === arch;
      if (!codeCache) log(`${arch}: cross-built here, so without a V8 code cache (build on ${arch} to include one)`);
      const executable = await buildSeaExecutable({ bundle, targetNode: target.path, targetArch: arch, blobNode: writer.path, codeCache });
      built.push(
        await writeLayer(options.outDir, arch, [
          // Level 6: level 9 costs ~3x the time on a 100 MB binary for 0.4% smaller.
          { path: EXTENSION_FILE, data: executable, mode: 0o755, level: 6 },
          { path: `${BUNDLE_DIR}/LICENSE.node`, data: await readFile(target.licensePath), mode: 0o644 },
          { path: EXEC_WRAPPER_FILE, data: Buffer.from(execWrapperScript('standalone')), mode: 0o755 },
          ...licenses,
        ]),
      );
    }
  }
  return built;
}

/**
 * The Node that writes the SEA blob must run here and should be the targets'
 * version: the downloaded binary for this machine's architecture on Linux,
 * otherwise the running node.
 */
async function blobWriter(version: string, cacheDir: string, log: (line: string) => void): Promise<{ path: string; arch?: LambdaArch }> {
  const arch = hostArch() === 'x64' ? 'x86_64' : hostArch() === 'arm64' ? 'arm64' : undefined;
  if (platform() === 'linux' && arch) return { path: (await fetchNodeBinary(arch, version, cacheDir, log)).path, arch };
  if (process.versions.node !== version) log(`note: writing the SEA blob with node ${process.versions.node} (targets are ${version})`);
  return { path: process.execPath };
}

async function writeLayer(outDir: string, variant: LayerVariant, files: ZipEntry[]): Promise<BuiltLayer> {
  const directories = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) directories.add(`${parts.slice(0, i).join('/')}/`);
  }
  const zip = writeZip([...files, ...[...directories].map((path) => ({ path, mode: 0o755 }))]);
  const path = join(outDir, layerFileName(variant));
  await writeFile(`${path}.tmp`, zip);
  await rename(`${path}.tmp`, path);
  return { variant, path, bytes: zip.length, unpackedBytes: files.reduce((n, f) => n + (f.data?.length ?? 0), 0) };
}
