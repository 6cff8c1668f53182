#!/bin/sh
# Container entrypoint for the parasol extension as a sidecar (ECS task,
# Kubernetes pod): unless AWS_TOKEN is given, make sure a token file exists
# on the volume shared with the application (kept across sidecar restarts so
# the application's copy stays valid), then run the standalone executable.
# It listens on 127.0.0.1 of the task/pod network namespace only.
#
#   PARASOL_TOKEN_FILE     token file (default /run/parasol/token)
#   PARASOL_TOKEN_MODE     its mode (default 0644: readable by the other containers of the task/pod,
#                          which share the volume and nothing else)
#   PARASOL_EXTENSION_BIN  the executable (default /usr/local/bin/parasol-extension)
set -eu
here=$(dirname "$0")
if [ -z "${AWS_TOKEN:-}" ]; then
  file=${PARASOL_TOKEN_FILE:-/run/parasol/token}
  [ -s "$file" ] || "$here/seed-token.sh" "$file" "${PARASOL_TOKEN_MODE:-0644}"
  AWS_TOKEN="file://$file"
  export AWS_TOKEN
fi
exec "${PARASOL_EXTENSION_BIN:-/usr/local/bin/parasol-extension}" "$@"
