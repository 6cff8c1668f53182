#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the rotation tests.
#
#   scripts/postgres.sh start   # initdb (first time) + start; prints connection info as KEY=VALUE lines
#   scripts/postgres.sh stop    # stops the server (data dir is kept; `destroy` removes it)
#   scripts/postgres.sh status  # prints connection info if running, exits 1 otherwise
#   scripts/postgres.sh destroy # stop + remove the data dir
#
# The cluster listens on 127.0.0.1 only, on a free port chosen at first start, with
# scram-sha-256 password authentication for every TCP connection (so a wrong password
# really fails) and the superuser `postgres` with a random password. It is idempotent:
# `start` on a running cluster just prints the same connection info.
#
# Env: PARASOL_PG_DIR (default /tmp/parasol-pg-<checksum of this checkout's path>: one cluster
# per checkout, so two clones or worktrees never share one), PARASOL_PG_BIN (dir with initdb/pg_ctl;
# default: newest /usr/lib/postgresql/*/bin, else PATH).
# When run as root, initdb/pg_ctl run as the `postgres` OS user (PostgreSQL refuses root).
set -euo pipefail

CHECKOUT="$(cd "$(dirname "$0")/.." && pwd -P)"
PGDIR="${PARASOL_PG_DIR:-/tmp/parasol-pg-$(printf %s "$CHECKOUT" | cksum | cut -d' ' -f1)}"
DATA="$PGDIR/data"
LOCK="$PGDIR.lock"

fail() { echo "postgres.sh: $*" >&2; exit 1; }

find_bin() {
  if [ -n "${PARASOL_PG_BIN:-}" ]; then echo "$PARASOL_PG_BIN"; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  fail "PostgreSQL server binaries (initdb, pg_ctl) not found; install them (Debian: apt-get install postgresql) or set PARASOL_PG_BIN"
}

BIN="$(find_bin)"

# PostgreSQL will not run as root: run its tools as the `postgres` OS user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || fail "running as root but there is no 'postgres' OS user to run the server as"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

print_info() {
  echo "PGHOST=127.0.0.1"
  echo "PGPORT=$(cat "$PGDIR/port")"
  echo "PGUSER=postgres"
  echo "PGPASSWORD=$(cat "$PGDIR/password")"
  echo "PGDATABASE=postgres"
}

running() { [ -f "$DATA/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

init_cluster() {
  rm -rf "$PGDIR"
  mkdir -p "$PGDIR"
  head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$PGDIR/password"
  free_port >"$PGDIR/port"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$PGDIR"; fi
  chmod 700 "$PGDIR"
  as_pg "$BIN/initdb" -D "$DATA" -U postgres --pwfile="$PGDIR/password" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --no-locale >"$PGDIR/initdb.log" 2>&1 ||
    { cat "$PGDIR/initdb.log" >&2; fail "initdb failed"; }
  cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $(cat "$PGDIR/port")
unix_socket_directories = '$PGDIR'
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_statement = 'none'
CONF
  # Only TCP from loopback, always with a password.
  cat >"$DATA/pg_hba.conf" <<HBA
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
HBA
}

start() {
  if running; then print_info; return; fi
  if [ ! -f "$DATA/PG_VERSION" ]; then init_cluster; fi
  # A port taken by someone else since the first start: move to a new free one.
  local port; port=$(cat "$PGDIR/port")
  if node -e "const s=require('net').createServer();s.once('error',()=>process.exit(1));s.listen($port,'127.0.0.1',()=>s.close())" 2>/dev/null; then :; else
    free_port >"$PGDIR/port"
    sed -i "s/^port = .*/port = $(cat "$PGDIR/port")/" "$DATA/postgresql.conf"
  fi
  rm -f "$DATA/postmaster.pid"
  as_pg "$BIN/pg_ctl" -D "$DATA" -l "$PGDIR/server.log" -w -t 30 start >/dev/null 2>&1 9>&- ||
    { tail -n 20 "$PGDIR/server.log" >&2 || true; fail "pg_ctl start failed (log: $PGDIR/server.log)"; }
  print_info
}

stop() {
  if running; then as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
}

cmd="${1:-start}"
mkdir -p "$(dirname "$LOCK")"
exec 9>"$LOCK"
flock 9
case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) if running; then print_info; else exit 1; fi ;;
  destroy) stop; rm -rf "$PGDIR" ;;
  *) fail "usage: $0 start|stop|status|destroy" ;;
esac
