#!/bin/sh
# The app's provisioning reads its bearer token (read role on the exporter and the
# notifier, act on the report service) from $USSDWATCH_EXPORTER_TOKEN,
# $USSDWATCH_NOTIFIER_TOKEN and $USSDWATCH_REPORTS_TOKEN; in compose it is the secret file
# grafana_token, so export it from there before starting Grafana as its image does. The
# datasources read their password with $__file{} themselves.
set -eu
token_file="${USSDWATCH_GRAFANA_TOKEN_FILE:-/run/secrets/grafana_token}"
if [ -r "$token_file" ]; then
  token="$(cat "$token_file")"
  USSDWATCH_EXPORTER_TOKEN="${USSDWATCH_EXPORTER_TOKEN:-$token}"
  USSDWATCH_NOTIFIER_TOKEN="${USSDWATCH_NOTIFIER_TOKEN:-$token}"
  USSDWATCH_REPORTS_TOKEN="${USSDWATCH_REPORTS_TOKEN:-$token}"
  export USSDWATCH_EXPORTER_TOKEN USSDWATCH_NOTIFIER_TOKEN USSDWATCH_REPORTS_TOKEN
fi
exec /run.sh "$@"
