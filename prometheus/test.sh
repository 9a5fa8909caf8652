#!/usr/bin/env bash
# Checks prometheus.yml and the rule files, runs every promtool unit test in tests/, checks
# the generated files against slo.yaml, then the vitest tests: the real Prometheus with the
# shipped rules (launcher.test.ts, through the testkit launcher) and the generator's.
# Exits non-zero if anything fails; the last line is "promtool: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")"

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: installing Debian's prometheus package" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null \
    || { echo "could not install prometheus (apt-get install prometheus)" >&2; echo "promtool: 0 passed, 1 failed"; exit 1; }
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

# One check: its output goes to results/<name>.log, its verdict to results/<name>.ok or .failed.
check() {
  local name=$1; shift
  if "$@" >"$results/$name.log" 2>&1; then touch "$results/$name.ok"; else touch "$results/$name.failed"; fi
}
export -f check
export results

check check-config promtool check config prometheus.yml
check check-rules promtool check rules rules/*.yml
# The unit-test files are independent: two at a time keeps the suite well under a minute.
printf '%s\n' tests/*.yml | xargs -P 2 -I{} bash -c 'f={}; check "test-$(basename "$f" .yml)" promtool test rules "$f"'
# Every alert links to docs/runbooks/<AlertName>.md: the page must exist.
check runbooks bash -c 'rc=0; for a in $(sed -n "s/^ *- alert: *//p" rules/*.yml | sort -u); do
  [ -f "../docs/runbooks/$a.md" ] || { echo "alert $a has no runbook: write docs/runbooks/$a.md"; rc=1; }; done; exit $rc'
# The generated rule files and tables are what slo.yaml generates (edit it, then npm run rules).
check generated bash -c 'cd .. && npx tsx --conditions=source prometheus/generate/main.ts --check'
check vitest bash -c 'cd .. && npx vitest run --root prometheus'

passed=0; failed=0
for log in "$results"/*.log; do
  name=$(basename "$log" .log)
  if [ -e "$results/$name.ok" ]; then
    passed=$((passed + 1)); echo "ok      $name"
  else
    failed=$((failed + 1)); echo "FAILED  $name"; sed 's/^/        /' "$log"
  fi
done
echo "promtool: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
