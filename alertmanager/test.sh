#!/usr/bin/env bash
# Checks alertmanager.yml with the real amtool: the config loads, and
# every tier x team label set routes to the receiver it must. Last line:
#   amtool: N passed, M failed
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config="$here/alertmanager.yml"
teams_file="$here/../notifier/config/notifier.yaml"

if ! command -v amtool >/dev/null 2>&1; then
  echo "amtool missing: installing prometheus-alertmanager (Debian)" >&2
  apt-get install -y prometheus-alertmanager >/dev/null || { echo "amtool: 0 passed, 1 failed"; exit 1; }
fi

passed=0
failed=0
ok() { passed=$((passed + 1)); }
ko() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

if amtool check-config "$config" >/dev/null 2>&1; then ok; else ko "amtool check-config $config"; amtool check-config "$config" >&2; fi

# expect RECEIVER label=value...
expect() {
  local want="$1"; shift
  if out=$(amtool config routes test --config.file="$config" --verify.receivers="$want" "$@" 2>&1); then ok
  else ko "labels [$*] routed to '$out', expected $want"; fi
}

# The teams come from the notifier's file, the single list of teams.
mapfile -t teams < <(awk '/^teams:/{t=1;next} t&&/^[^ #]/{t=0} t&&/^  [A-Za-z0-9_-]+:/{sub(/^  /,"");sub(/:.*/,"");print}' "$teams_file")
[ "${#teams[@]}" -ge 6 ] && ok || ko "expected at least 6 teams in $teams_file, found ${#teams[@]}: ${teams[*]}"

receivers=([1]=tier1-email [2]=tier2-oncall [3]=tier3-critical)
for tier in 1 2 3; do
  for team in "${teams[@]}"; do
    expect "${receivers[$tier]}" alertname=ShortCodeInternalErrors tier="$tier" severity=warning team="$team" short_code='*710#'
  done
done
# Tier 1 goes to the notifier at any hour: business hours live in ONE place, the notifier's
# on-call file, which holds the mail and shows it held. A time interval here would hide it.
if grep -Eq '^\s*(active_|mute_)?time_intervals:' "$config"; then ko "$config has time intervals: business hours belong in notifier/config/oncall.yaml"; else ok; fi
# Alerts without a tier, or with a tier nobody defined, still reach the technical team by mail.
expect tier1-email alertname=LogSourceSilent severity=critical team=ussd-platform source=gw01
expect tier1-email alertname=Anything tier=9 team=billing
# Routing does not depend on team spelling: an unknown team still routes by tier (the notifier falls back to the critical team).
expect tier3-critical alertname=UssdAppTimeouts tier=3 team=nobody short_code='*720#'

# The dead man's switch goes to the notifier's watchdog webhook, and only there: whatever
# other label it carries, and nothing else goes there.
expect watchdog alertname=Watchdog severity=none team=ussdwatch
expect watchdog alertname=Watchdog severity=none tier=3 team=technical
expect tier3-critical alertname=WatchdogLike tier=3 team=technical
# It is a heartbeat: sent at once and every minute, its end never (send_resolved false).
wd=$(awk '/matchers: \[.alertname="Watchdog".\]/{r=1} r&&/repeat_interval:/{print $2; exit}' "$config")
[ "$wd" = "1m" ] && ok || ko "Watchdog route repeat_interval is '$wd', expected 1m (a heartbeat the notifier's watchdog timeout counts on)"
if awk '/- name: watchdog/{r=1;next} r&&/- name:/{exit} r' "$config" | grep -q 'send_resolved: false'; then ok; else ko "watchdog receiver must say send_resolved: false"; fi

# Grouping, on the real Alertmanager (amtool cannot show group_by): two missing exporters
# are two notifications, one per node; two nodes overloaded stay one group per alertname.
groups_of() { # alertname -> the node label of each group holding it, sorted
  curl -fsS "$am_url/api/v2/alerts/groups" | jq -r --arg a "$1" '[.[] | select(.alerts[0].labels.alertname == $a) | .labels.node // "(all nodes)"] | sort | join(" ")'
}
am_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
am_url="http://127.0.0.1:$am_port"
am_dir=$(mktemp -d)
prometheus-alertmanager --config.file="$config" --storage.path="$am_dir" --web.listen-address="127.0.0.1:$am_port" \
  --cluster.listen-address= --log.level=warn 2>"$am_dir/log" &
am_pid=$!
trap 'kill "$am_pid" 2>/dev/null; wait "$am_pid" 2>/dev/null; rm -rf "$am_dir"' EXIT
for _ in $(seq 100); do curl -fsS "$am_url/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done
for node in gw01 gw02; do
  amtool alert add --alertmanager.url="$am_url" alertname=UssdwatchExporterMissing tier=2 severity=warning team=ussdwatch node="$node" >/dev/null
  amtool alert add --alertmanager.url="$am_url" alertname=NodeOverloaded tier=2 severity=warning team=ussd-platform node="$node" >/dev/null
done
got=""
for _ in $(seq 50); do got=$(groups_of UssdwatchExporterMissing); [ "$got" = "gw01 gw02" ] && break; sleep 0.1; done
[ "$got" = "gw01 gw02" ] && ok || ko "UssdwatchExporterMissing of gw01 and gw02 grouped as [$got], expected one group per node [gw01 gw02]"
got=$(groups_of NodeOverloaded)
[ "$got" = "(all nodes)" ] && ok || ko "NodeOverloaded of gw01 and gw02 grouped as [$got], expected one group"

echo "amtool: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
