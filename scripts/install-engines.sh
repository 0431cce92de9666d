#!/usr/bin/env bash
# Unpacks newer real servers than bookworm's into .tools/engines/, without installing anything:
# Valkey 8.1 (trixie), Valkey 9.1 (sid) and Redis 8.0 (trixie), the incumbent redis_exporter 1.69 (trixie,
# a static Go binary; the drop-in tests and the benches run it) and the RediSearch module (sid). The servers need trixie's glibc; they run
# through that loader (see packages/testing/src/builds.ts). apt works on a private state directory, so the
# machine's sources, pins and package database are untouched.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
engines="$root/.tools/engines"
# The builds the tests run, as <directory>:<package>/<suite>,...; the directory names are builds.ts's ids.
# The server package holds only the <engine>-server symlink; the binary is in the tools package.
builds=(valkey-8.1:valkey-server/trixie,valkey-tools/trixie valkey-9.1:valkey-server/sid,valkey-tools/sid
  redis-8.0:redis-server/trixie,redis-tools/trixie)
# What valkey-tools and redis-tools link against (ldd on each binary), from trixie: 2.41 satisfies sid's
# valkey-tools (libc6 >= 2.38).
libraries=(libc6 libstdc++6 libgcc-s1 libssl3t64 libsystemd0 libjemalloc2 liblzf1 libcap2 libgcrypt20
  libgpg-error0 liblz4-1 liblzma5 libzstd1 libatomic1)

complete=1
for build in "${builds[@]}" libs: redis-exporter: redisearch:; do [ -f "$engines/${build%%:*}/.complete" ] || complete=""; done
[ -z "$complete" ] || exit 0

echo "install-engines: unpacking ${builds[*]} into .tools/engines/"
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/debs"
printf 'deb http://deb.debian.org/debian %s main\n' trixie sid >"$state/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update -qq

unpack() { # <directory> <package/suite>...
  local dir="$engines/$1"
  shift
  rm -rf "$dir" "$state/debs"/*
  mkdir -p "$dir"
  (cd "$state/debs" && apt-get "${apt_opts[@]}" download -qq "$@")
  for deb in "$state/debs"/*.deb; do dpkg-deb -x "$deb" "$dir"; done
  touch "$dir/.complete"
}
unpack libs "${libraries[@]/%//trixie}"
unpack redis-exporter prometheus-redis-exporter/trixie
# A module to load, for the modules collector (RediSearch 1.2 from sid: its .so needs only libc 2.29).
unpack redisearch redis-redisearch/sid
test -f "$engines/redisearch/usr/lib/redis/modules/redisearch.so"
"$engines/redis-exporter/usr/bin/prometheus-redis-exporter" --version 2>&1 | sed 's/.*msg="//; s/ *build date.*//'
for build in "${builds[@]}"; do
  IFS=, read -r -a packages <<<"${build#*:}"
  unpack "${build%%:*}" "${packages[@]}"
done
for build in "${builds[@]}"; do
  dir="$engines/${build%%:*}"
  "$engines/libs/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "$engines/libs/usr/lib/x86_64-linux-gnu" \
    "$(ls "$dir"/usr/bin/*-server | head -1)" --version
done
