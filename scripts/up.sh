#!/usr/bin/env bash
# `npm start`: the whole ussdwatch chain on this machine with simulated traffic (see
# scripts/up.ts). `npm start -- --smoke` checks every part and that a fault reaches an SMS.
set -euo pipefail
cd "$(dirname "$0")/.."
case " $* " in *" --help "*|*" -h "*) exec node --import tsx --conditions=source scripts/up.ts --help ;; esac
# up.ts stops everything once the process that ran this script is gone: npm passes SIGINT
# and SIGTERM on, but a SIGHUP (or SIGKILL) just ends npm.
export USSDWATCH_UP_PARENT=$PPID
case " $* " in
  *" --no-build "*) ;;
  *)
    # What is missing is installed first (npm ci too: up.ts runs on tsx), in a process group
    # of its own, so that a signal meanwhile stops all of it and not just this shell.
    setsid bash scripts/install-deps.sh &
    deps=$!
    trap 'kill -TERM -- "-$deps" 2>/dev/null; wait "$deps"; exit 130' INT TERM HUP
    wait "$deps"
    trap - INT TERM HUP
    ;;
esac
# exec: up.ts takes this shell's place, so the signals sent to it (or passed on by npm)
# reach up.ts, which stops every process group it started. `source`: workspace imports
# (the simulator's fault client) read the TypeScript sources, built or not.
exec node --import tsx --conditions=source scripts/up.ts "$@"
