#!/usr/bin/env bash
# `npm start`: the whole ussdwatch chain on this machine with simulated traffic (see
# scripts/up.ts). `npm start -- --smoke` checks every part and that a fault reaches an SMS.
set -euo pipefail
cd "$(dirname "$0")/.."
case " $* " in *" --help "*|*" -h "*) exec node --import tsx scripts/up.ts --help ;; esac
bash scripts/install-deps.sh
echo "up: building the exporter, the simulator, the notifier and the Grafana app harness" >&2
npm run build --silent -w exporter -w simulator -w notifier >/dev/null
npm run build:harness --silent -w grafana-app >/dev/null
# exec, so Ctrl-C and SIGTERM reach up.ts directly: it stops everything it started.
exec node --import tsx scripts/up.ts "$@"
