#!/bin/sh
# The app's provisioning reads the notifier token from $USSDWATCH_NOTIFIER_TOKEN; in
# compose the token is a secret file (the one Alertmanager and the notifier read), so
# export it from there before starting Grafana as its image does.
set -eu
token_file="${USSDWATCH_NOTIFIER_TOKEN_FILE:-/run/secrets/notifier_token}"
if [ -z "${USSDWATCH_NOTIFIER_TOKEN:-}" ] && [ -r "$token_file" ]; then
  USSDWATCH_NOTIFIER_TOKEN="$(cat "$token_file")"
  export USSDWATCH_NOTIFIER_TOKEN
fi
exec /run.sh "$@"
