#!/usr/bin/env bash
# Installs everything parasol's tests and `npm start` need on a fresh machine (Debian):
#   1. the aws CLI (the CLI compatibility tests),
#   2. the PostgreSQL server binaries (rotation tests start a throwaway cluster with scripts/postgres.sh),
#   3. qemu-user and the aarch64 C/C++ runtime (the layer test runs the arm64 layer under emulation),
#   4. a C++ toolchain if missing (better-sqlite3 compiles its addon when no prebuilt one can be fetched),
#   5. the npm dependencies (npm ci), then the build, so `npx parasol` works at once,
#   6. examples/cdk's own dependencies (aws-cdk-lib, aws-cdk; kept out of the root install), for `cdk synth` in the tests.
# Each step says what it does; steps with nothing to do say so. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then
    as_root apt-get update -qq
    apt_updated=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if command -v aws >/dev/null 2>&1; then
  say "aws CLI: present ($(aws --version 2>&1 | cut -d' ' -f1))"
else
  say "aws CLI: installing the Debian package awscli (the CLI compatibility tests drive it)"
  apt_install awscli
fi

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
  say "PostgreSQL server: present"
else
  say "PostgreSQL server: installing the Debian package postgresql (rotation tests start a throwaway cluster)"
  apt_install postgresql
fi

# Only the layer test needs these: it runs the arm64 standalone layer under qemu-user (without them it
# checks that layer statically only). Kept here so `npm test` runs the same everywhere; skip with
# PARASOL_SETUP_SKIP_QEMU=1 if you never run the layer test.
if [ -n "${PARASOL_SETUP_SKIP_QEMU:-}" ]; then
  say "qemu-user for the arm64 layer test: skipped (PARASOL_SETUP_SKIP_QEMU is set; that test then checks the arm64 layer statically only)"
elif command -v qemu-aarch64-static >/dev/null 2>&1 && [ -d /usr/aarch64-linux-gnu/lib ] && command -v unzip >/dev/null 2>&1; then
  say "qemu-user, aarch64 runtime, unzip for the arm64 layer test: present"
else
  say "qemu-user, aarch64 runtime, unzip: installing (only the layer test uses them, to run the arm64 layer under emulation)"
  apt_install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross unzip
fi

# better-sqlite3 first tries a prebuilt addon from GitHub and otherwise compiles SQLite with node-gyp:
# make sure the compiler is there before npm ci needs it, rather than failing halfway through.
if command -v g++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
  say "C++ toolchain for better-sqlite3's addon: present (g++, make, python3)"
else
  say "C++ toolchain for better-sqlite3's addon: installing g++, make, python3 (node-gyp compiles it when no prebuilt one can be fetched)"
  apt_install g++ make python3
fi

# npm run bench drives every throughput row with wrk (a C load generator, faster than any server it measures).
if command -v wrk >/dev/null 2>&1; then
  say "wrk for npm run bench: present"
else
  say "wrk: installing the Debian package wrk (npm run bench's HTTP load generator)"
  apt_install wrk
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm dependencies: npm ci"
  npm ci --no-audit --no-fund
else
  say "npm dependencies: up to date with package-lock.json"
fi

say "build: npm run build (TypeScript and the client bundles; npx parasol runs packages/cli/dist)"
npm run build --silent

if [ ! -d examples/cdk/node_modules ] || [ examples/cdk/package-lock.json -nt examples/cdk/node_modules/.package-lock.json ]; then
  say "examples/cdk dependencies: npm ci in examples/cdk (aws-cdk-lib, aws-cdk; the tests run cdk synth)"
  npm ci --prefix examples/cdk --no-audit --no-fund
else
  say "examples/cdk dependencies: up to date"
fi

say "done: npm start runs parasol dev; npm test runs every test"
