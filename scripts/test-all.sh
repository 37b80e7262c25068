#!/usr/bin/env bash
# Runs every test from a fresh machine: installs what the tests need, then `npm test`
# (lint + typecheck + unit and integration tests against the real DuckDB).
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need: rsyslog and rsyslog-gnutls (the syslog delivery tests run their
# own rsyslogd, over TCP and TLS) and chromium (playwright-core drives /usr/bin/chromium in the
# portal's end-to-end tests). DuckDB ships inside its npm package.
APT_PACKAGES=(rsyslog rsyslog-gnutls chromium)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# `npm install`, not `npm ci`: npm 11 as set up here (omit-lockfile-registry-resolved) leaves the
# optional platform packages of biome and duckdb unresolved in the lock, which `npm ci` refuses.
npm install --no-audit --no-fund
npm test
