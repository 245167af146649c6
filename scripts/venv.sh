#!/usr/bin/env bash
# Create .venv and install requirements (runtime, or with "dev" the test tools too).
# Re-installs only when a requirements file changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REQS=requirements.txt
[ "${1:-}" = "dev" ] && REQS=requirements-dev.txt
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
[ -n "$PYTHON" ] || { echo "venv.sh: python3.11 not found" >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(basename "$REQS" .txt)"
if [ ! -f "$stamp" ] || [ -n "$(find requirements*.txt -newer "$stamp" 2>/dev/null)" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r "$REQS"
  touch "$stamp"
fi
