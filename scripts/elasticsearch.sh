#!/usr/bin/env bash
# Provision and run a local single-node Elasticsearch without Docker.
#
#   scripts/elasticsearch.sh install   download (Maven Central), verify, unpack; install hunspell-he and
#                                      hspell and generate the lemma dictionary (scripts/build_lemma_dictionary.py)
#   scripts/elasticsearch.sh dictionary  install hunspell-he only (the NER model reads it: service/entities/ner_lexicon.py)
#   scripts/elasticsearch.sh start     install if needed, start on 127.0.0.1:$ES_PORT, wait for health
#   scripts/elasticsearch.sh stop      stop the node started for $ES_PORT (no-op when stopped)
#   scripts/elasticsearch.sh status    exit 0 when the node answers, 3 when it does not
#   scripts/elasticsearch.sh url       print the node's URL
#   scripts/elasticsearch.sh pid       print the node's process id (exit 3 when it is not running)
#
# Environment (all optional):
#   ES_PORT           HTTP port (default 9200); each port is its own node with its own data
#   ES_HEAP           fixed JVM heap (default 1g; 512m to 1g is sensible here)
#   ES_JAVA_HOME      JDK to run with (default: the newest JDK >= 21 under /usr/lib/jvm)
#   ES_CACHE_DIR      where the distribution, config, data and logs live (default .cache/elasticsearch)
#   ES_START_TIMEOUT  seconds to wait for health (default 180)
#   ES_RUN_USER       non-root user that runs the node when this script runs as root (default elasticsearch)
#   ES_CLUSTER        HTTP ports of a local multi-node cluster, comma-separated (e.g. 9271,9272,9273);
#                     ES_PORT must be one of them. Unset: a single-node cluster.
#
# The node binds to 127.0.0.1 only, which is why security is disabled for it. Production nodes
# (docker-compose.yml) run with security on.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=elasticsearch.pin
source "$ROOT/scripts/elasticsearch.pin"

ES_PORT="${ES_PORT:-9200}"
ES_HEAP="${ES_HEAP:-1g}"
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
ES_RUN_USER="${ES_RUN_USER:-elasticsearch}"
CACHE="${ES_CACHE_DIR:-}"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"
HUNSPELL_DIR="/usr/share/hunspell"
EXTRA_DICTS="$ROOT/index_mappings/hunspell"

die() { echo "elasticsearch.sh: $*" >&2; exit 1; }
say() { echo "elasticsearch.sh: $*" >&2; }
is_root() { [ "$(id -u)" -eq 0 ]; }

dist_home() { echo "$CACHE/elasticsearch-$ES_VERSION"; }
node_dir() { echo "$CACHE/node-$ES_PORT"; }
url() { echo "http://127.0.0.1:$ES_PORT"; }

# The newest JDK >= 21 (Elasticsearch 9 needs 21+), or $ES_JAVA_HOME when set.
pick_java() {
  if [ -n "${ES_JAVA_HOME:-}" ]; then
    [ -x "$ES_JAVA_HOME/bin/java" ] || die "ES_JAVA_HOME=$ES_JAVA_HOME has no bin/java"
    echo "$ES_JAVA_HOME"; return
  fi
  local best="" best_major=0 jdk major
  for jdk in /usr/lib/jvm/*/; do
    jdk="${jdk%/}"
    [ -x "$jdk/bin/java" ] && [ ! -L "$jdk" ] || continue
    major=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$jdk"; best_major="$major"
    fi
  done
  [ -n "$best" ] || die "no JDK 21 or newer found under /usr/lib/jvm: install one (e.g. Temurin 25) or set ES_JAVA_HOME"
  echo "$best"
}

ensure_hunspell() {
  [ -f "$HUNSPELL_DIR/he_IL.dic" ] && [ -f "$HUNSPELL_DIR/he_IL.aff" ] && return
  is_root || die "the Hebrew dictionary is missing: run 'sudo apt-get install hunspell-he'"
  say "installing Debian's hunspell-he (AGPL; installed, never committed)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hunspell-he >/dev/null
  [ -f "$HUNSPELL_DIR/he_IL.dic" ] || die "hunspell-he installed but $HUNSPELL_DIR/he_IL.dic is missing"
}

ensure_hspell() {
  command -v hspell >/dev/null && return
  is_root || die "hspell (the lemmas' source) is missing: run 'sudo apt-get install hspell'"
  say "installing Debian's hspell (AGPL; installed, never committed)"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hspell >/dev/null
  command -v hspell >/dev/null || die "hspell installed but not on the PATH"
}

# The he_IL_readings locale (what the .stem analysis emits for a word: its form, its lemmas, the word
# after a definite article) and he_IL_lemma (mapping version 6's, so that its indices still open), both
# generated from hspell by scripts/build_lemma_dictionary.py: on this machine (AGPL sources), idempotent.
lemma_dir() { echo "$CACHE/hunspell/he_IL_lemma"; }
readings_dir() { echo "$CACHE/hunspell/he_IL_readings"; }
build_lemmas() {
  ensure_hspell
  local python; python="$(command -v python3 || true)"
  [ -n "$python" ] || die "python3 is missing: apt-get install python3"
  "$python" "$ROOT/scripts/build_lemma_dictionary.py" "$(lemma_dir)" --readings-dir "$(readings_dir)" || die "could not generate the lemma dictionary"
}

ensure_user() {
  is_root || return 0
  id "$ES_RUN_USER" >/dev/null 2>&1 && return
  useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_RUN_USER"
}

# Run a command as the node's user: ourselves, or $ES_RUN_USER when we are root.
as_node_user() {
  if is_root; then runuser -u "$ES_RUN_USER" -- "$@"; else "$@"; fi
}

# The cache lives in the project (.cache/elasticsearch) unless ES_CACHE_DIR says otherwise. When we
# are root and the node's user cannot reach the project (a private parent such as /root), it moves
# to /var/cache, keyed by the project's path so that two checkouts do not share data.
resolve_cache() {
  [ -n "$CACHE" ] && return
  CACHE="$ROOT/.cache/elasticsearch"
  is_root || return 0
  ensure_user
  if ! runuser -u "$ES_RUN_USER" -- test -x "$ROOT" 2>/dev/null; then
    CACHE="/var/cache/hebrew-news-search/$(echo "$ROOT" | sha1sum | cut -c1-12)/elasticsearch"
    say "user $ES_RUN_USER cannot enter $ROOT; using $CACHE"
  fi
}

install() {
  command -v unzip >/dev/null || die "unzip is missing: apt-get install unzip"
  ensure_hunspell
  ensure_user
  build_lemmas
  mkdir -p "$CACHE/dist"
  local zip="$CACHE/dist/elasticsearch-$ES_VERSION.zip"
  if [ ! -d "$(dist_home)" ]; then
    if [ ! -f "$zip" ]; then
      command -v mvn >/dev/null || die "Maven (mvn) is missing: apt-get install maven"
      say "downloading $ARTIFACT from Maven Central"
      # Lax on Maven's own checksums (-c): the registry here serves none for this artifact, and
      # strict mode (-C) then refuses it on a machine without ~/.m2. The SHA-256 pinned in
      # scripts/elasticsearch.pin, checked below, is the real (and stronger) check.
      mvn -B -q -c dependency:copy -Dartifact="$ARTIFACT" -DoutputDirectory="$CACHE/dist" \
        || die "mvn could not fetch $ARTIFACT"
    fi
    local sum
    sum=$(sha256sum "$zip" | cut -d' ' -f1)
    if [ "$sum" != "$ES_SHA256" ]; then
      rm -f "$zip"
      die "checksum mismatch for $zip: got $sum, pinned $ES_SHA256 (file removed)"
    fi
    local tmp="$CACHE/.unpack.$$"
    rm -rf "$tmp"; mkdir -p "$tmp"
    unzip -q "$zip" -d "$tmp"
    mv "$tmp/elasticsearch-$ES_VERSION" "$(dist_home)"
    rm -rf "$tmp"
    chmod -R a+rX "$(dist_home)"
    say "installed Elasticsearch $ES_VERSION in $(dist_home)"
  fi
}

pid_of_node() {
  local pidfile; pidfile="$(node_dir)/es.pid"
  [ -f "$pidfile" ] || return 1
  local pid; pid=$(cat "$pidfile" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

answers() {
  curl -fsS -m 2 "$(url)/_cluster/health" >/dev/null 2>&1
}

cluster_name() {
  if [ -n "${ES_CLUSTER:-}" ]; then echo "hebrew-news-cluster-${ES_CLUSTER%%,*}"; else echo "hebrew-news-$ES_PORT"; fi
}

discovery_settings() {
  if [ -z "${ES_CLUSTER:-}" ]; then echo "discovery.type: single-node"; return; fi
  local seeds="" masters="" port
  for port in ${ES_CLUSTER//,/ }; do
    seeds="$seeds${seeds:+, }\"127.0.0.1:$((port + 100))\""
    masters="$masters${masters:+, }\"local-$port\""
  done
  echo "discovery.seed_hosts: [$seeds]"
  echo "cluster.initial_master_nodes: [$masters]"
}

write_config() {
  local node; node="$(node_dir)"
  mkdir -p "$node/config" "$node/data" "$node/logs"
  # Start from the distribution's config each time, then lay our settings over it.
  cp -r "$(dist_home)/config/." "$node/config/"
  cat > "$node/config/elasticsearch.yml" <<EOF
# Generated by scripts/elasticsearch.sh; edits are overwritten at the next start.
cluster.name: $(cluster_name)
node.name: local-$ES_PORT
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
$(discovery_settings)
path.data: $node/data
path.logs: $node/logs
# Bound to loopback only: security off for this local node alone.
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: true
EOF
  cat > "$node/config/jvm.options.d/heap.options" <<EOF
-Xms$ES_HEAP
-Xmx$ES_HEAP
EOF
  mkdir -p "$node/config/hunspell/he_IL"
  cp "$HUNSPELL_DIR/he_IL.aff" "$HUNSPELL_DIR/he_IL.dic" "$node/config/hunspell/he_IL/"
  # The mark-less spellings of hspell's acronyms (ארהב → ארה"ב), generated with the lemmas.
  cp "$CACHE/hunspell/he_IL_acronyms.dic" "$node/config/hunspell/he_IL/"
  # Extra word lists (e.g. names generated from the gazetteer) sit beside the dictionary.
  mkdir -p "$node/config/hunspell/he_IL_lemma"
  cp "$(lemma_dir)/he_IL.aff" "$(lemma_dir)/he_IL_lemma.dic" "$node/config/hunspell/he_IL_lemma/"
  mkdir -p "$node/config/hunspell/he_IL_readings"
  cp "$(readings_dir)/he_IL.aff" "$(readings_dir)/he_IL_readings.dic" "$node/config/hunspell/he_IL_readings/"
  if [ -d "$EXTRA_DICTS" ]; then
    find "$EXTRA_DICTS" -maxdepth 1 -name '*.dic' -exec cp {} "$node/config/hunspell/he_IL/" \; \
      -exec cp {} "$node/config/hunspell/he_IL_lemma/" \;
  fi
  if is_root; then chown -R "$ES_RUN_USER" "$node"; fi
}

log_tail() {
  local log; log="$(node_dir)/logs/$(cluster_name).log"
  if [ -f "$log" ]; then
    echo "---- last lines of $log ----" >&2; tail -n 40 "$log" >&2
  fi
  if [ -f "$(node_dir)/start.out" ]; then
    echo "---- last lines of $(node_dir)/start.out ----" >&2; tail -n 20 "$(node_dir)/start.out" >&2
  fi
}

# Single node: healthy. A node of a cluster: answering HTTP at all (it cannot elect a master
# until enough of the others are up, so health would wait for them).
node_up() {
  if [ -z "${ES_CLUSTER:-}" ]; then
    curl -fsS -m 2 "$(url)/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1
  else
    # "/" answers at once (405 in this distribution) without waiting for an elected master.
    local code; code=$(curl -s -o /dev/null -m 2 -w "%{http_code}" "$(url)/" 2>/dev/null || true)
    [ -n "$code" ] && [ "$code" != "000" ]
  fi
}

start() {
  if pid_of_node >/dev/null && answers; then
    say "already running on $(url)"; return 0
  fi
  if answers; then
    say "an Elasticsearch not started by this script already answers on $(url); using it"; return 0
  fi
  install
  local java; java="$(pick_java)"
  write_config
  local node; node="$(node_dir)"
  say "starting Elasticsearch $ES_VERSION on $(url) (JDK $java, heap $ES_HEAP)"
  if ! as_node_user env ES_JAVA_HOME="$java" ES_PATH_CONF="$node/config" ES_JAVA_OPTS="" \
      "$(dist_home)/bin/elasticsearch" -d -p "$node/es.pid" >"$node/start.out" 2>&1; then
    say "the node failed to start"; log_tail; exit 1
  fi
  local waited=0
  until node_up; do
    if ! pid_of_node >/dev/null; then
      say "the node exited during start-up"; log_tail; exit 1
    fi
    if [ "$waited" -ge "$ES_START_TIMEOUT" ]; then
      say "no healthy answer from $(url) after ${ES_START_TIMEOUT}s"; log_tail; exit 1
    fi
    sleep 1; waited=$((waited + 1))
  done
  say "ready on $(url) after ${waited}s"
}

stop() {
  local pid
  if ! pid=$(pid_of_node); then
    say "not running on port $ES_PORT"; return 0
  fi
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { say "stopped (port $ES_PORT)"; rm -f "$(node_dir)/es.pid"; return 0; }
    sleep 0.5
  done
  say "still running after 30s: killing $pid"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$(node_dir)/es.pid"
}

status() {
  if answers; then
    echo "running on $(url)"
  else
    echo "stopped (nothing answers on $(url))"; return 3
  fi
}

resolve_cache
case "${1:-}" in
  install) install ;;
  dictionary) ensure_hunspell ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  url) url ;;
  pid) pid_of_node || exit 3 ;;
  *) echo "usage: $0 install|dictionary|start|stop|status|url|pid" >&2; exit 2 ;;
esac
