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

echo "amtool: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
