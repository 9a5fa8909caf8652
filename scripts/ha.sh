#!/usr/bin/env bash
# The HA proof (ha/README.md): installs what is missing, builds what it runs, checks the
# proof's own pure parts, then ha/run.ts, whose last line is `ha: prometheus_replicas=...`.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'echo "FAIL ha preparation (see above)"; echo "ha: prometheus_replicas=0 alertmanager_peers=0 sms_per_person=0 store_gap_s=na duplicate_series=na"' ERR
bash scripts/install-deps.sh
npm run build --silent -w common -w exporter -w simulator -w notifier >/dev/null
npx vitest run --root ha --reporter=dot >&2
trap - ERR
exec node --import tsx --conditions=source ha/run.ts
