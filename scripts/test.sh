#!/usr/bin/env bash
# The one command that installs what the tests need (when missing) and runs them all.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
export PATH="$root/.tools/node_modules/.bin:$PATH"
cd "$root"
pnpm test
