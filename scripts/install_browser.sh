#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_browser.sh: /usr/bin/chromium is missing: run 'sudo apt-get install chromium'" >&2
  exit 1
fi
echo "install_browser.sh: installing Debian's chromium" >&2
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "install_browser.sh: chromium installed but /usr/bin/chromium is missing" >&2; exit 1; }
