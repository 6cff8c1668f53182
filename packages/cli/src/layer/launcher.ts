/**
 * `extensions/parasol` of the Node.js layer: a POSIX sh script (LF endings,
 * mode 0755) that runs the bundled extension with the runtime's own node.
 *
 * - Lambda's Node.js runtimes keep node at /var/lang/bin/node, which is not
 *   always on the extension's PATH; elsewhere (tests, containers) fall back
 *   to `node` on PATH; with neither, it says which layer to use and exits 1.
 * - The bundle is found relative to the script, so the layer works wherever
 *   it is unpacked (/opt on Lambda, a temp dir in tests).
 * - NODE_OPTIONS is the function's (often `--require` of an APM agent from
 *   /var/task) and is dropped; PARASOL_NODE_OPTIONS passes flags to the extension.
 * - PARASOL_EXTENSION_NAME carries this file's name: Lambda requires the
 *   extension to register under exactly that name.
 * - NODEJS_LAYER_NODE_FLAGS: one V8 worker thread instead of four. The
 *   extension shares the function's memory and rarely needs background
 *   compilation; measured ~3 MiB less RSS after caching 1,000 secrets, and no
 *   cold-start cost (a Node option, not a V8 flag: V8 flags on the command
 *   line make Node compile its built-ins without their code cache).
 */
/** What the launcher says on a runtime without node (Python, Java, provided.al2023): which layer to use instead. */
export const NO_NODE_MESSAGE =
  'this layer needs a Node.js runtime (no node at /var/lang/bin/node or on PATH); use parasol-extension-x86_64 / -arm64, which run on any runtime';
export const NODEJS_LAYER_NODE_FLAGS = ['--v8-pool-size=1'];
export const BUNDLE_DIR = 'parasol-extension';

import { NODEJS_ENTRY_FILE } from './bundle.js';

export function nodejsLauncherScript(): string {
  return [
    '#!/bin/sh',
    '# parasol extension launcher for Lambda Node.js runtimes: runs the bundled',
    "# extension with the runtime's node (see packages/cli/README.md).",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a template
    'case "$0" in */*) here=${0%/*} ;; *) here=. ;; esac',
    'node=/var/lang/bin/node',
    '[ -x "$node" ] || node=$(command -v node) || {',
    `  msg='${NO_NODE_MESSAGE}'`,
    // One line in parasol's log format: text on a terminal, JSON otherwise (Lambda's log stream).
    `  if [ -t 2 ]; then echo "ERROR extension: $msg" >&2; else echo '{"level":"error","component":"extension","msg":"'"$msg"'"}' >&2; fi`,
    '  exit 1',
    '}',
    'unset NODE_OPTIONS',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a template
    'PARASOL_EXTENSION_NAME=${0##*/}',
    'export PARASOL_EXTENSION_NAME',
    `exec "$node" ${NODEJS_LAYER_NODE_FLAGS.join(' ')} $PARASOL_NODE_OPTIONS "$here/../${BUNDLE_DIR}/${NODEJS_ENTRY_FILE}" "$@"`,
    '',
  ].join('\n');
}
