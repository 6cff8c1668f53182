/**
 * Builds a Node single-executable application (SEA): the bundled extension
 * injected into a Node binary, so the layer runs on runtimes that have no
 * `node` (Python, Java, .NET, provided.al2023).
 *
 * Steps (Node 20 to 24): `node --experimental-sea-config` turns the CommonJS bundle
 * into a blob; postject adds the blob to a copy of the target Node binary as
 * the NODE_SEA_BLOB note and flips the SEA fuse. No startup snapshot.
 *
 * V8 code cache: only when the blob writer is the target binary itself
 * running natively (`codeCache`). It saves ~30% of the cold start, but a
 * cache written on another architecture crashes the executable (seen:
 * SIGSEGV for an x86_64-written cache in the arm64 binary), so a cross-built
 * executable gets none. `--random-seed=1` makes the cache deterministic (it
 * only seeds the writer process; the executable still seeds itself at random).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inspectElf, SEA_FUSE, SEA_RESOURCE } from './elf.js';
import type { LambdaArch } from './node-binary.js';

const run = promisify(execFile);

export class SeaError extends Error {
  readonly code = 'SeaError';
}

export interface SeaInput {
  /** The CommonJS bundle (bundle.ts, format 'cjs'). */
  bundle: Buffer;
  /** The Node binary to inject into (for the target architecture). */
  targetNode: string;
  targetArch: LambdaArch;
  /** A Node binary of the same version that runs on this machine; it writes the blob. */
  blobNode: string;
  /** Include a V8 code cache: only safe when `blobNode` is the target binary running natively. */
  codeCache: boolean;
}

/** Returns the bytes of the standalone executable. */
export async function buildSeaExecutable(input: SeaInput): Promise<Buffer> {
  let postject: { inject(file: string, name: string, data: Buffer, options?: { sentinelFuse?: string }): Promise<void> };
  try {
    const name = 'postject'; // a dev tool without type declarations; loaded only when building
    postject = (await import(name)) as typeof postject;
  } catch {
    throw new SeaError('building the standalone layers needs postject: npm install -D postject');
  }
  const work = await mkdtemp(join(tmpdir(), 'parasol-sea-'));
  try {
    await writeFile(join(work, 'main.cjs'), input.bundle);
    await writeFile(
      join(work, 'sea-config.json'),
      JSON.stringify({
        main: 'main.cjs',
        output: 'sea.blob',
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        useCodeCache: input.codeCache,
      }),
    );
    try {
      await run(input.blobNode, ['--random-seed=1', '--experimental-sea-config', 'sea-config.json'], { cwd: work });
    } catch (e) {
      throw new SeaError(`writing the SEA blob failed: ${(e as Error).message.split('\n')[0]}`);
    }
    const blob = await readFile(join(work, 'sea.blob'));
    const executable = join(work, 'parasol');
    await copyFile(input.targetNode, executable);
    await quietly(() => postject.inject(executable, SEA_RESOURCE, blob, { sentinelFuse: SEA_FUSE }));
    const bytes = await readFile(executable);
    verifySeaExecutable(bytes, input.targetArch, input.bundle);
    return bytes;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * postject's LIEF build warns "Can't find string offset for section name
 * '.note…'" for Node's many notes; harmless, and noise in the build output.
 */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes("Can't find string offset for section name")) warn(...args);
  };
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

/** Throws unless `bytes` is a 64-bit ELF for `arch` with the SEA fuse set and `bundle` inside its NODE_SEA_BLOB note. */
export function verifySeaExecutable(bytes: Buffer, arch: LambdaArch, bundle: Buffer): void {
  const elf = inspectElf(bytes);
  if (elf.machine !== arch) throw new SeaError(`executable is for ${elf.machine}, expected ${arch}`);
  if (elf.seaFuseSet !== true) throw new SeaError('SEA fuse is not set: the blob was not injected');
  if (!elf.seaBlob) throw new SeaError(`no ${SEA_RESOURCE} note in the executable`);
  if (elf.seaBlob.indexOf(bundle) < 0) throw new SeaError('the SEA blob does not contain the extension bundle');
}
