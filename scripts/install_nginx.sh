#!/usr/bin/env bash
# Debian's nginx, the buffering reverse proxy in front of gunicorn (gunicorn's deployment docs advise
# one: slow clients then cost nginx an idle connection instead of costing us a worker thread).
# We only need the binary: run.sh starts nginx as its own process with a config generated under
# .cache/nginx/, so no system service is started here (a temporary policy-rc.d says so to invoke-rc.d).
set -euo pipefail
NGINX="${NGINX:-/usr/sbin/nginx}"
if [ -x "$NGINX" ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_nginx.sh: $NGINX is missing: run 'sudo apt-get install nginx'" >&2
  exit 1
fi
echo "install_nginx.sh: installing Debian's nginx (binary only; no system service is started)" >&2
policy=/usr/sbin/policy-rc.d
made_policy=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
fi
cleanup() { if [ -n "$made_policy" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
[ -x "$NGINX" ] || { echo "install_nginx.sh: nginx installed but $NGINX is missing" >&2; exit 1; }
