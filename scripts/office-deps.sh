#!/usr/bin/env bash
# Installs the hub's proxy (configurable-http-proxy, from the npm registry) into node_modules/
# when it is missing. Needs Node.js and npm (scripts/system-deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/configurable-http-proxy ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing: run 'make system' as root (it installs nodejs and npm)" >&2
  exit 1
fi
echo "Installing configurable-http-proxy (npm) into node_modules/"
npm install --no-audit --no-fund --loglevel=error
