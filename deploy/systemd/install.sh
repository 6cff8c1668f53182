#!/bin/sh
# Installs the parasol extension as a systemd service (EC2 / on-premises).
# Run as root from the repository, with the layer zip for this machine:
#   sudo deploy/systemd/install.sh dist/layers/parasol-extension-x86_64.zip   # or -arm64.zip
# Needs unzip. Then add each application user to group parasol-token:
#   sudo usermod -aG parasol-token APPUSER
set -eu
zip=${1:?usage: install.sh dist/layers/parasol-extension-<x86_64|arm64>.zip}
here=$(cd "$(dirname "$0")" && pwd)
case "$(uname -m)" in
  x86_64) want=x86_64 ;;
  aarch64 | arm64) want=arm64 ;;
  *) echo "install.sh: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
case "$zip" in
  *"-$want.zip") ;;
  *) echo "install.sh: this machine is $want; use parasol-extension-$want.zip" >&2; exit 1 ;;
esac

getent group parasol-token >/dev/null || groupadd --system parasol-token
getent passwd parasol >/dev/null || useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin parasol

tmp=$(mktemp)
unzip -p "$zip" extensions/parasol >"$tmp"
install -m 0755 "$tmp" /usr/local/bin/parasol-extension
rm -f "$tmp"
install -D -m 0755 "$here/../bin/seed-token.sh" /usr/local/lib/parasol/seed-token.sh
install -d -m 0755 /etc/parasol
[ -f /etc/parasol/extension.env ] || printf '# e.g. AWS_REGION=eu-west-1\n#SECRETS_MANAGER_TTL=300\n' >/etc/parasol/extension.env
install -m 0644 "$here/parasol-token.service" "$here/parasol-extension.service" /etc/systemd/system/
systemctl daemon-reload
systemctl enable --now parasol-token.service parasol-extension.service
echo "parasol extension installed; allow an application with: usermod -aG parasol-token APPUSER"
