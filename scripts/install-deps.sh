#!/usr/bin/env bash
# Installs everything the tests need, idempotently: Debian packages (real servers and Prometheus),
# Node 24 LTS and pnpm under .tools/, then the workspace's npm dependencies.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

need_apt=()
command -v valkey-server >/dev/null || need_apt+=(valkey)
command -v redis-server >/dev/null || need_apt+=(redis)
command -v prometheus >/dev/null || need_apt+=(prometheus)
command -v promtool >/dev/null || need_apt+=(promtool)
command -v openssl >/dev/null || need_apt+=(openssl)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: installing Debian packages for: ${need_apt[*]}"
  if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "deb http://deb.debian.org/debian bookworm-backports main" | $sudo_cmd tee /etc/apt/sources.list.d/keepwatch-backports.list >/dev/null
  fi
  $sudo_cmd apt-get update -qq
  # Packages' maintainer scripts may try to start services; there is no init here and we do not want them.
  printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
  $sudo_cmd chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    -t bookworm-backports valkey-server valkey-tools
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends \
    redis-server redis-tools prometheus openssl ca-certificates
fi

if [ ! -x "$tools/node_modules/.bin/node" ] || ! "$tools/node_modules/.bin/node" --version | grep -q '^v24\.'; then
  echo "install-deps: installing Node 24 and pnpm into .tools/"
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" node@24 pnpm@10
fi
export PATH="$tools/node_modules/.bin:$PATH"
cd "$root"
pnpm install --frozen-lockfile --reporter=silent 2>/dev/null || pnpm install --reporter=silent
