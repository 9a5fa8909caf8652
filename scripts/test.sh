#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then runs every
# part against the real components. `npm test -- NAME...` runs only the named suites.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
exec node scripts/test.mjs "$@"
