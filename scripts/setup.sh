#!/usr/bin/env bash
# Installs everything parasol's tests and `npm start` need on a fresh machine:
# the aws CLI (for the CLI compatibility tests), wrk (for npm run bench),
# the PostgreSQL server binaries (started per test run by scripts/postgres.sh), and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v aws >/dev/null 2>&1; then
  echo "setup: installing the aws CLI (Debian package awscli)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq awscli >/dev/null
fi

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  echo "setup: installing the PostgreSQL server (rotation tests start a throwaway cluster with scripts/postgres.sh)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

# The arm64 Lambda layer is run under qemu-user in the layer tests (without it they check it statically only).
if ! command -v qemu-aarch64-static >/dev/null 2>&1 || [ ! -d /usr/aarch64-linux-gnu/lib ] || ! command -v unzip >/dev/null 2>&1; then
  echo "setup: installing qemu-user-static, the aarch64 C/C++ runtime and unzip (layer tests)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross unzip >/dev/null
fi

# npm run bench drives every throughput row with wrk (a C load generator, faster than any server it measures).
if ! command -v wrk >/dev/null 2>&1; then
  echo "setup: installing wrk (the benchmarks' HTTP load generator)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
