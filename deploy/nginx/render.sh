#!/bin/sh
# Write nginx.conf, site.conf and security_headers.conf for our nginx into PREFIX, from the templates
# next to this script (used by scripts/run.sh and by the proxy image of docker-compose.yml).
#   render.sh PREFIX LISTEN UPSTREAM      e.g. render.sh .cache/nginx/x 127.0.0.1:8000 127.0.0.1:41234
# When run as root, nginx's workers run as www-data (or nobody).
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
prefix="$1" listen="$2" upstream="$3"
user_line=""
if [ "$(id -u)" -eq 0 ]; then
  if id www-data >/dev/null 2>&1; then user_line="user www-data;"; else user_line="user nobody nogroup;"; fi
fi
mkdir -p "$prefix/tmp"
cp "$here/security_headers.conf" "$prefix/security_headers.conf"
for name in nginx site; do
  sed -e "s|\${NGINX_PREFIX}|$prefix|g" -e "s|\${NGINX_CONF_DIR}|$prefix|g" -e "s|\${NGINX_LISTEN}|$listen|g" \
    -e "s|\${NGINX_UPSTREAM}|$upstream|g" -e "s|\${NGINX_USER_LINE}|$user_line|g" \
    "$here/$name.conf.template" >"$prefix/$name.conf"
done
