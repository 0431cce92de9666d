#!/usr/bin/env bash
# Installs everything the tests need, idempotently: Debian packages (real servers, Prometheus, amtool),
# newer real servers unpacked from trixie and sid (install-engines.sh),
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
command -v amtool >/dev/null || need_apt+=(amtool)
command -v systemd-analyze >/dev/null || need_apt+=(systemd-analyze)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-deps: installing Debian packages for: ${need_apt[*]}"
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  valkey_suite=()
  if [ "$codename" = bookworm ]; then
    # Debian 12 ships Valkey 8 in backports only.
    if ! grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo "deb http://deb.debian.org/debian bookworm-backports main" | $sudo_cmd tee /etc/apt/sources.list.d/keepwatch-backports.list >/dev/null
    fi
    valkey_suite=(-t bookworm-backports)
  fi
  $sudo_cmd apt-get update -qq
  # The tests start their own servers; the packages' services must not start (and there may be no init).
  policy_rc_created=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod +x /usr/sbin/policy-rc.d
    policy_rc_created=1
  fi
  install() { DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "$@"; }
  install "${valkey_suite[@]}" valkey-server valkey-tools ||
    { echo "install-deps: no valkey-server package for '$codename'; the tests need Valkey 8 (Debian bookworm-backports or Ubuntu 24.10+)" >&2; exit 1; }
  install redis-server redis-tools prometheus prometheus-alertmanager openssl ca-certificates
  # systemd-analyze verify checks the systemd unit; nothing is started.
  command -v systemd-analyze >/dev/null || install systemd
  [ -z "$policy_rc_created" ] || $sudo_cmd rm -f /usr/sbin/policy-rc.d
fi

"$root/scripts/install-engines.sh"

if [ ! -x "$tools/node_modules/.bin/node" ] || ! "$tools/node_modules/.bin/node" --version | grep -q '^v24\.'; then
  echo "install-deps: installing Node 24 and pnpm into .tools/"
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" node@24 pnpm@10
fi
export PATH="$tools/node_modules/.bin:$PATH"
cd "$root"
pnpm install --frozen-lockfile --reporter=silent 2>/dev/null || pnpm install --reporter=silent
