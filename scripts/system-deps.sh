#!/usr/bin/env bash
# Installs the Debian packages the browser tests and the office need (Chromium, CJK fonts,
# Node.js and npm for the hub's proxy, LibreOffice Calc for the template's round trip) when they are missing. Needs root; otherwise says exactly what to run.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
# LibreOffice Calc re-saves a filled template in the template tests, as a planner's LibreOffice or WPS would
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
