#!/usr/bin/env bash
# The main job: virtual environment, Elasticsearch (a local node unless ES_URL answers),
# the bundled sample indexed, and the site on http://$BIND: nginx (Debian's, our own process, config
# generated under .cache/nginx/) buffering requests in front of gunicorn's threaded workers on a
# private loopback port. Slow clients then cost nginx an idle connection, never a worker (issue 12).
# Without nginx (and not root, so it cannot be installed) gunicorn serves $BIND itself, with a warning.
#   BIND (127.0.0.1:8000), WEB_WORKERS (2), WEB_THREADS (8), NGINX (/usr/sbin/nginx; "none": no proxy)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIND="${BIND:-127.0.0.1:8000}"
export WEB_WORKERS="${WEB_WORKERS:-2}"
NGINX="${NGINX:-/usr/sbin/nginx}"

scripts/venv.sh

answers() { curl -fsS -m 3 ${ES_USERNAME:+-u "$ES_USERNAME:${ES_PASSWORD:-}"} "$1/_cluster/health" >/dev/null 2>&1; }

if [ -n "${ES_URL:-}" ] && answers "$ES_URL"; then
  echo "run.sh: using Elasticsearch at $ES_URL" >&2
  # The indexer's NER model reads Debian's Hebrew dictionary (a local node's install brings it).
  [ "${ENTITY_EXTRACTOR:-model}" = "gazetteer" ] || [ -n "${NER_DICTIONARY:-}" ] || scripts/elasticsearch.sh dictionary
else
  local_url="http://127.0.0.1:${ES_PORT:-9200}"
  if [ -n "${ES_URL:-}" ] && [ "${ES_URL%/}" != "$local_url" ]; then
    echo "run.sh: ES_URL=$ES_URL does not answer; unset it to run a local node" >&2
    exit 1
  fi
  scripts/elasticsearch.sh start
  export ES_URL="$local_url"
fi
export ES_URL

# The sample goes into the live alias; an index left by an older version of the service (another
# mapping version, exit 3) is rebuilt from the sample instead, with the zero-downtime reindex.
status=0
.venv/bin/flask --app service index --sample || status=$?
if [ "$status" -eq 3 ]; then
  echo "run.sh: rebuilding the index from the sample (it was made by an older version)" >&2
  .venv/bin/flask --app service reindex --sample
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi

GUNICORN=(.venv/bin/gunicorn -c deploy/gunicorn.conf.py "service:create_app()")
if [ "$NGINX" != "none" ] && [ ! -x "$NGINX" ] && [ "$(id -u)" -eq 0 ]; then
  scripts/install_nginx.sh
fi
if [ "$NGINX" = "none" ] || [ ! -x "$NGINX" ]; then
  [ "$NGINX" = "none" ] || echo "run.sh: WARNING: nginx is missing (run 'sudo apt-get install nginx'):" \
    "gunicorn serves $BIND directly, and slow clients can tie up its threads" >&2
  echo "run.sh: serving on http://$BIND (gunicorn only)" >&2
  GUNICORN_BIND="$BIND" exec "${GUNICORN[@]}"
fi

# gunicorn on a free loopback port, nginx on $BIND in front of it; both stop together.
upstream="127.0.0.1:$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
prefix="$ROOT/.cache/nginx/${BIND//[^A-Za-z0-9]/_}"
deploy/nginx/render.sh "$prefix" "$BIND" "$upstream"
"$NGINX" -t -q -p "$prefix" -e "$prefix/error.log" -c "$prefix/nginx.conf" \
  || { echo "run.sh: the generated nginx config $prefix/nginx.conf is invalid" >&2; exit 1; }

pids=()
stop() { trap - TERM INT EXIT; [ "${#pids[@]}" -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true; wait || true; }
trap 'stop; exit 143' TERM
trap 'stop; exit 130' INT
trap stop EXIT
GUNICORN_BIND="$upstream" "${GUNICORN[@]}" &
pids+=($!)
for _ in $(seq 120); do
  curl -s -o /dev/null -m 2 "http://$upstream/api/health" && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "run.sh: gunicorn exited" >&2; exit 1; }
  sleep 0.5
done
"$NGINX" -p "$prefix" -e "$prefix/error.log" -c "$prefix/nginx.conf" &
pids+=($!)
echo "run.sh: serving on http://$BIND (nginx, config $prefix/nginx.conf, in front of gunicorn on $upstream)" >&2
status=0
wait -n "${pids[@]}" || status=$?
echo "run.sh: a server process exited (status $status); stopping the other" >&2
exit "$status"
