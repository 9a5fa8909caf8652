#!/usr/bin/env bash
# The end-to-end detection test: the real chain from simulated fault to SMS, see e2e/README.md.
# Installs what is missing, builds what it runs, runs the e2e's own checks (the config
# rewiring, the parsing of what arrives, `npm start` stopping everything on a signal:
# seconds), then e2e/run.ts; its last line is the `e2e: scenarios=...` summary and its exit
# code says whether every target held. `npm run e2e -- --help` lists the options.
set -euo pipefail
cd "$(dirname "$0")/.."
case " $* " in *" --help "*|*" -h "*) exec node --import tsx --conditions=source e2e/run.ts --help ;; esac
# Whatever fails before the run, the summary line CI reads still comes last.
trap 'echo "FAIL e2e preparation (see above)"; echo "e2e: scenarios=0 passed=0 detection_p50_s=na detection_max_s=na dpss_lead_min_s=na duplicate_sms=0 lost_journal=0"' ERR
bash scripts/install-deps.sh
# The services, and the Grafana app harness that `npm start` (checked below) serves: two builds
# at once, unless the test runner's build suite has just built them (USSDWATCH_BUILT=1).
if [ "${USSDWATCH_BUILT:-}" != 1 ]; then
  npm run build --silent -w common -w exporter -w simulator -w notifier >/dev/null &
  services=$!
  npm run build:harness --silent -w grafana-app >/dev/null &
  harness=$!
  wait "$services"
  wait "$harness"
fi
npx vitest run --root e2e --reporter=dot
trap - ERR
exec node --import tsx --conditions=source e2e/run.ts "$@"
