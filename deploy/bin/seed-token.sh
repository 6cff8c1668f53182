#!/bin/sh
# Writes a fresh random token (64 hex characters, 256 bits) to FILE for the
# parasol extension (AWS_TOKEN=file://FILE) and its callers, who send it in
# X-Aws-Parameters-Secrets-Token. The file is replaced atomically; the token
# never appears on stdout, in the process list or in logs.
#
# usage: seed-token.sh FILE [MODE] [GROUP]
#   MODE   file mode (default 0640)
#   GROUP  group that may read it (e.g. parasol-token); its directory gets 0750 and that group
set -eu
file=${1:?usage: seed-token.sh FILE [MODE] [GROUP]}
mode=${2:-0640}
group=${3:-}
dir=$(dirname "$file")
umask 077
mkdir -p "$dir"
if [ -n "$group" ]; then
  chgrp "$group" "$dir"
  chmod 0750 "$dir"
fi
tmp=$(mktemp "$dir/.token.XXXXXX")
trap 'rm -f "$tmp"' EXIT
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$tmp"
[ -n "$group" ] && chgrp "$group" "$tmp"
chmod "$mode" "$tmp"
mv -f "$tmp" "$file"
trap - EXIT
