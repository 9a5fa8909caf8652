#!/bin/sh
# Runs Alertmanager on the repository's alertmanager.yml inside docker-compose. That file
# sends its webhooks to the notifier at 127.0.0.1:9717 (a local run); here the notifier
# is another container. The one address is rewritten into a copy placed next to links to
# the secrets the file refers to by relative path. (USSDWATCH_AM_SOURCE, _CONFIG_DIR,
# _STORAGE and ALERTMANAGER_BIN let the tests run this script on the host.) With USSDWATCH_NOTIFIER_CA (compose
# sets it), the notifier is reached over HTTPS, its certificate checked against that CA.
set -eu
src="${USSDWATCH_AM_SOURCE:-/etc/ussdwatch/alertmanager}"
dst="${USSDWATCH_AM_CONFIG_DIR:-/alertmanager/config}"
notifier="${USSDWATCH_NOTIFIER_URL:-http://notifier:9717}"
mkdir -p "$dst"
ca="${USSDWATCH_NOTIFIER_CA:-}"
if [ -n "$ca" ]; then
  # tls_config beside the webhook's authorization (one YAML anchor serves the three tiers).
  sed -e "s#http://127\.0\.0\.1:9717#${notifier}#g" -e "s#^\( *\)authorization:#\1tls_config: { ca_file: ${ca} }\n\1authorization:#" "$src/alertmanager.yml" > "$dst/alertmanager.yml"
else
  sed "s#http://127\.0\.0\.1:9717#${notifier}#g" "$src/alertmanager.yml" > "$dst/alertmanager.yml"
fi
ln -sfn "$src/secrets" "$dst/secrets"
exec "${ALERTMANAGER_BIN:-/bin/alertmanager}" --config.file="$dst/alertmanager.yml" --storage.path="${USSDWATCH_AM_STORAGE:-/alertmanager}" "$@"
