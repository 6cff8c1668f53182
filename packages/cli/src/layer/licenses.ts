/**
 * The licences a layer must carry: parasol's own, and those of the npm
 * packages esbuild bundled into the extension (the AWS SDK's credential
 * providers, @smithy/*, tslib, …), found from esbuild's metafile. Node's own
 * licence is added by build.ts next to the binary of the standalone layers.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BundleError } from './bundle.js';

/** parasol's LICENSE: the cli package's (packages/cli/LICENSE, also in the published package). */
export function parasolLicense(): Buffer {
  const file = join(dirname(fileURLToPath(import.meta.url)), '../../LICENSE'); // packages/cli/{src,dist}/layer
  if (!existsSync(file)) throw new BundleError(`parasol's LICENSE not found at ${file}`);
  return readFileSync(file);
}

interface BundledPackage {
  name: string;
  version: string;
  license: string;
  text: string;
}

/** The package directory (…/node_modules/name or …/node_modules/@scope/name) an input file belongs to. */
function packageDir(file: string): string | undefined {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const parts = file.slice(at + marker.length).split(sep);
  const name = parts[0].startsWith('@') ? parts.slice(0, 2).join(sep) : parts[0];
  return file.slice(0, at + marker.length) + name;
}

function readPackage(dir: string): BundledPackage {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
  const files = readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying|notice)(\.(md|txt))?$/i.test(f))
    .sort();
  const text = files.map((f) => readFileSync(join(dir, f), 'utf8').trim()).join('\n\n');
  return {
    name: manifest.name,
    version: manifest.version,
    license: manifest.license ?? 'UNKNOWN',
    text: text || `(the package ships no licence file; package.json says ${manifest.license ?? 'nothing'})`,
  };
}

/**
 * THIRD-PARTY-LICENSES for a bundle whose esbuild metafile listed `inputs`
 * (paths relative to `workingDir`): each bundled package with its version and
 * licence, packages with the same licence text grouped under one copy of it.
 */
export function thirdPartyLicenses(inputs: Iterable<string>, workingDir = process.cwd()): Buffer {
  const dirs = new Set<string>();
  for (const input of inputs) {
    const dir = packageDir(resolve(workingDir, input));
    if (dir && existsSync(join(dir, 'package.json'))) dirs.add(dir);
  }
  const byText = new Map<string, BundledPackage[]>();
  for (const pkg of [...dirs].map(readPackage).sort((a, b) => a.name.localeCompare(b.name))) {
    byText.set(pkg.text, [...(byText.get(pkg.text) ?? []), pkg]);
  }
  const sections = [...byText].map(([text, pkgs]) => [...pkgs.map((p) => `${p.name}@${p.version} (${p.license})`), '', text].join('\n'));
  const header = 'Third-party software bundled into the parasol extension, with the licence of each package.';
  return Buffer.from(`${[header, ...sections].join(`\n\n${'='.repeat(78)}\n\n`)}\n`);
}
