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

import { EXEC_ENTRY_FILE, EXEC_ENV_FLAG, NODEJS_ENTRY_FILE } from './bundle.js';

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

/** Where the exec wrapper sits in every layer (`/opt/parasol-exec` on Lambda). */
export const EXEC_WRAPPER_FILE = 'parasol-exec';

/**
 * `/opt/parasol-exec`, the Lambda exec wrapper (AWS_LAMBDA_EXEC_WRAPPER): a
 * POSIX sh script that, when any PARASOL_ENV_* variable is set, runs the
 * layer's resolving program (the bundle with the runtime's node in the
 * Node.js layer; the standalone executable with EXEC_ENV_FLAG otherwise),
 * evaluates the `export`/`unset` lines it prints, and execs the runtime with
 * its arguments. A failure exits with the program's status, so Lambda reports
 * the INIT error. NODE_OPTIONS is emptied for the resolving program only: the
 * runtime keeps the function's.
 */
export function execWrapperScript(variant: 'nodejs' | 'standalone'): string {
  const resolver =
    variant === 'nodejs'
      ? `NODE_OPTIONS= "$parasol_node" ${NODEJS_LAYER_NODE_FLAGS.join(' ')} "$parasol_here/${BUNDLE_DIR}/${EXEC_ENTRY_FILE}"`
      : `NODE_OPTIONS= "$parasol_here/extensions/parasol" ${EXEC_ENV_FLAG}`;
  return [
    '#!/bin/sh',
    '# parasol exec wrapper: set AWS_LAMBDA_EXEC_WRAPPER=/opt/parasol-exec and PARASOL_ENV_<NAME>=<REF>;',
    '# the runtime starts with NAME set from the running extension (see packages/cli/README.md).',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh parameter expansion, not a template
    'case "$0" in */*) parasol_here=${0%/*} ;; *) parasol_here=. ;; esac',
    'case "$(export -p)" in',
    '*PARASOL_ENV_*)',
    ...(variant === 'nodejs' ? ['  parasol_node=/var/lang/bin/node', '  [ -x "$parasol_node" ] || parasol_node=node'] : []),
    `  parasol_env=$(${resolver}) || exit $?`,
    '  eval "$parasol_env"',
    '  ;;',
    'esac',
    'unset parasol_here parasol_node parasol_env',
    'exec "$@"',
    '',
  ].join('\n');
}
