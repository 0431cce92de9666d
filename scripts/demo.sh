#!/usr/bin/env bash
# The demo: installs what is missing, then starts a local Valkey primary and replica plus the exporter.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
export PATH="$root/.tools/node_modules/.bin:$PATH"
exec node "$root/packages/valkey-exporter/scripts/demo.ts"
