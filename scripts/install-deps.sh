#!/usr/bin/env bash
# Installs what ussdwatch needs on a Debian machine and nothing more: the real
# components the stack and the tests run (Prometheus, Alertmanager, Kannel, Chromium,
# VictoriaMetrics for the HA topology's store, docker-compose for validating the compose
# file, poppler-utils for reading the reports' PDFs back) and the npm workspaces.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_pkgs=()
need() { command -v "$1" >/dev/null 2>&1 || want_pkgs+=("$2"); }
need prometheus prometheus
need promtool prometheus
need prometheus-alertmanager prometheus-alertmanager
need amtool prometheus-alertmanager
need bearerbox kannel
[ -x /usr/lib/kannel/test/fakesmsc ] || want_pkgs+=(kannel-extras)
need chromium chromium
need docker-compose docker-compose
need victoria-metrics victoria-metrics
need pdftotext poppler-utils
if [ "${USSDWATCH_WITH_MTAIL:-0}" = 1 ]; then need mtail mtail; fi

if [ ${#want_pkgs[@]} -gt 0 ]; then
  mapfile -t want_pkgs < <(printf '%s\n' "${want_pkgs[@]}" | sort -u)
  if [ "$(id -u)" = 0 ]; then
    echo "install-deps: installing Debian packages: ${want_pkgs[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want_pkgs[@]}" >/dev/null
  else
    echo "install-deps: missing Debian packages. Run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${want_pkgs[*]}" >&2
    exit 1
  fi
fi

# Debian's packages may start their daemons on install where an init system runs;
# ussdwatch starts its own on loopback ports, so stop the system ones if they came up.
for svc in prometheus prometheus-alertmanager kannel victoria-metrics; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
done

# npm workspaces: (re)install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
