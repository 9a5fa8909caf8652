#!/bin/bash
# bearerbox, then fakesmsc (the SMSC: prints every SMS it receives), then smsbox. If any of
# them exits, or the container is stopped, the others are stopped too, so Docker's restart
# policy and healthcheck see one unit. Ports come from the configuration file.
set -euo pipefail
conf="${KANNEL_CONF:-/etc/kannel/kannel.conf}"
admin_port="$(sed -n 's/^admin-port = //p' "$conf")"
smsc_port="$(awk '/^group = smsc$/ { s = 1 } s && /^port = / { print $3; exit }' "$conf")"

# On the way out, stop the boxes and wait for them: they shut down gracefully.
trap 'kill $(jobs -p) 2>/dev/null || true; wait' EXIT

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "kannel-demo: nothing listens on port $1" >&2
  return 1
}

bearerbox "$conf" &
wait_port "$admin_port"
# One test message, then stays connected (the interval is an hour) and prints what it gets.
/usr/lib/kannel/test/fakesmsc -H 127.0.0.1 -r "$smsc_port" -i 3600 -m 1 "100 200 text ping" &
smsbox "$conf" &
trap 'echo "kannel-demo: stopping" >&2; exit 0' TERM INT
wait -n
echo "kannel-demo: a Kannel process exited; stopping" >&2
exit 1
