#!/usr/bin/env bash
# Sets up everything `make report` and `make test` need on a fresh Debian machine with Python 3.11:
# the system libraries WeasyPrint and the tests use (when missing and apt is usable), then a local
# virtual environment installed from the pinned lock. Idempotent; `make` calls it when the lock changes.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
VENV=${VENV:-.venv}

bash scripts/system-deps.sh

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade "pip==26.3" >/dev/null
echo "setup: installing pinned packages from requirements.lock"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.lock
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
echo "setup: done ($("$VENV/bin/python" --version))"
