#!/usr/bin/env bash
# Installs everything parasol's tests and `npm start` need on a fresh machine:
# the aws CLI (for the CLI compatibility tests) and the npm dependencies.
# PostgreSQL (rotation tests) is started by scripts/postgres.sh from the tests themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v aws >/dev/null 2>&1; then
  echo "setup: installing the aws CLI (Debian package awscli)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
