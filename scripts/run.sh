#!/usr/bin/env bash
# The main job: virtual environment, Elasticsearch (a local node unless ES_URL answers),
# the bundled sample indexed, and the site under gunicorn on http://$BIND.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIND="${BIND:-127.0.0.1:8000}"
WEB_WORKERS="${WEB_WORKERS:-2}"

scripts/venv.sh

answers() { curl -fsS -m 3 ${ES_USERNAME:+-u "$ES_USERNAME:${ES_PASSWORD:-}"} "$1/_cluster/health" >/dev/null 2>&1; }

if [ -n "${ES_URL:-}" ] && answers "$ES_URL"; then
  echo "run.sh: using Elasticsearch at $ES_URL" >&2
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
echo "run.sh: serving on http://$BIND" >&2
exec .venv/bin/gunicorn --workers "$WEB_WORKERS" --bind "$BIND" --access-logfile - "service:create_app()"
