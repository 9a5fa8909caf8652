#!/bin/sh
# Makes the TLS certificate every ussdwatch container serves with, once, into the tls
# volume: a CA (its key is thrown away: nothing can sign another certificate with it) and
# one server certificate for the compose service names. Runs before the services start;
# keeps a certificate that is still valid for 30 days. Production: put your own CA's
# certificate, server.crt and server.key in the volume instead (see SECURITY.md).
set -eu
dir="${1:-/tls}"
names="exporter notifier reports prometheus alertmanager simulator prometheus-b alertmanager-b victoriametrics localhost"
# A certificate made before a service was added lacks its name: made again then.
names_all() {
  san="$(openssl x509 -noout -text -in "$1" | grep -A1 'Subject Alternative Name' | tail -1)"
  for n in $names; do case "$san" in *"DNS:$n,"*|*"DNS:$n") ;; *) return 1 ;; esac; done
}
if [ -s "$dir/server.crt" ] && openssl x509 -checkend 2592000 -noout -in "$dir/server.crt" >/dev/null && names_all "$dir/server.crt"; then
  echo "tls: keeping $dir/server.crt (valid for 30 more days)"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 \
  -subj "/CN=ussdwatch compose CA" -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=ussdwatch" \
  -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=%sIP:127.0.0.1\nextendedKeyUsage=serverAuth\n' "$(for n in $names; do printf 'DNS:%s,' "$n"; done)" > "$work/ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial \
  -days 397 -extfile "$work/ext" -out "$work/server.crt" 2>/dev/null
# Read by services running as other users (nobody, node, grafana): the volume is mounted
# read-only into them only.
chmod 644 "$work/ca.crt" "$work/server.crt" "$work/server.key"
mv "$work/ca.crt" "$work/server.key" "$work/server.crt" "$dir/"
echo "tls: made $dir/server.crt for the compose services, signed by $dir/ca.crt"
