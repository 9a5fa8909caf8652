#!/bin/sh
# Runs Alertmanager on the repository's alertmanager.yml inside docker-compose. That file
# sends its webhooks to the notifier at 127.0.0.1:9717 (a local run); here the notifier
# is another container. The one address is rewritten into a copy placed next to links to
# the secrets the file refers to by relative path; nothing else changes.
set -eu
src="${USSDWATCH_AM_SOURCE:-/etc/ussdwatch/alertmanager}"
dst="${USSDWATCH_AM_CONFIG_DIR:-/alertmanager/config}"
notifier="${USSDWATCH_NOTIFIER_URL:-http://notifier:9717}"
mkdir -p "$dst"
sed "s#http://127\.0\.0\.1:9717#${notifier}#g" "$src/alertmanager.yml" > "$dst/alertmanager.yml"
ln -sfn "$src/secrets" "$dst/secrets"
exec "${ALERTMANAGER_BIN:-/bin/alertmanager}" --config.file="$dst/alertmanager.yml" --storage.path=/alertmanager "$@"
