#!/usr/bin/env bash
# Installs the Debian packages parlib needs where they are missing: Pango and DejaVu fonts for
# WeasyPrint's PDF, poppler-utils (pdftoppm, pdffonts), Python 3.11's venv, and with --browser the
# chromium that the browser tests drive. Prints nothing and does nothing when all are present.
set -euo pipefail
PY=${PYTHON:-python3.11}
need_pkgs=()
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib libpango-1.0.so.0 || need_pkgs+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || need_pkgs+=(libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_pkgs+=(fonts-dejavu-core)
command -v pdftoppm >/dev/null || need_pkgs+=(poppler-utils)
if [ "${1:-}" = --browser ]; then
  command -v chromium >/dev/null || need_pkgs+=(chromium)
fi
command -v "$PY" >/dev/null || need_pkgs+=(python3.11 python3.11-venv)
"$PY" -c "import ensurepip" 2>/dev/null || need_pkgs+=(python3.11-venv)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "setup: installing system packages: ${need_pkgs[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >/dev/null
  elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
    echo "setup: installing system packages with sudo: ${need_pkgs[*]}"
    sudo apt-get update -q >/dev/null
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >/dev/null
  else
    echo "setup: please install these system packages, then run make again: ${need_pkgs[*]}" >&2
    exit 2
  fi
fi

