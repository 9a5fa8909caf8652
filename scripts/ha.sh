#!/usr/bin/env bash
# The HA proof (docs/ha.md): installs what is missing, builds what it runs unless the
# build is newer than every source (`npm test` has just built it), checks the proof's own
# pure parts, then ha/run.ts, whose last line is `ha: prometheus_replicas=...`.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'echo "FAIL ha preparation (see above)"; echo "ha: prometheus_replicas=0 alertmanager_peers=0 sms_per_person=0 store_gap_s=na duplicate_series=na"' ERR
bash scripts/install-deps.sh
stale=0
for built in common/dist/http.js exporter/dist/cli/main.js simulator/dist/cli.js notifier/dist/main.js reports/dist/cli.js; do
  ws="${built%%/*}"
  if [ ! -f "$built" ] || [ -n "$(find "$ws/src" "$ws/package.json" -newer "$built" -print -quit)" ]; then stale=1; fi
done
if [ "$stale" = 1 ] && [ "${USSDWATCH_BUILT:-}" != 1 ]; then npm run build --silent -w common -w exporter -w simulator -w notifier -w reports >/dev/null; fi
npx vitest run --root ha --reporter=dot >&2
trap - ERR
exec node --import tsx --conditions=source ha/run.ts
