#!/usr/bin/env bash
# Unpacks Debian's prometheus-redis-exporter (the incumbent) into .bench/ without installing it: the current
# version from trixie (pinned low so nothing else is ever installed from it), bookworm's 1.45 as a fallback.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/.bench/redis-exporter"
[ -x "$dest/usr/bin/prometheus-redis-exporter" ] && exit 0
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
if [ ! -e /etc/apt/sources.list.d/keepwatch-trixie.list ]; then
  echo "deb http://deb.debian.org/debian trixie main" | $sudo_cmd tee /etc/apt/sources.list.d/keepwatch-trixie.list >/dev/null
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 1\n' | $sudo_cmd tee /etc/apt/preferences.d/keepwatch-trixie >/dev/null
  $sudo_cmd apt-get update -qq
fi
work=$(mktemp -d)
(cd "$work" && { apt-get download -qq prometheus-redis-exporter/trixie || apt-get download -qq prometheus-redis-exporter; })
mkdir -p "$dest"
dpkg -x "$work"/prometheus-redis-exporter_*.deb "$dest"
rm -rf "$work"
"$dest/usr/bin/prometheus-redis-exporter" --version 2>&1 | head -1
