#!/usr/bin/env bash
# Sets up everything the project needs on a Debian machine with Python 3.11, idempotently:
#   scripts/setup.sh run    system packages for the app and the dossier, and the virtual environment
#   scripts/setup.sh test   the same, plus what the tests need (Chromium for end-to-end tests)
# Python packages come from uv.lock; uv never downloads an interpreter (pyproject: python-downloads = never).
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-run}
run_packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
test_packages=(chromium)
packages=("${run_packages[@]}")
[ "$purpose" = test ] && packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "setup: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v apt-get >/dev/null && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "setup: installing system packages with sudo: ${missing[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: these system packages are missing: ${missing[*]}" >&2
    echo "setup: install them as root, e.g.  sudo apt-get install ${missing[*]}" >&2
    echo "setup: (on macOS or Windows, install any CJK font; the dossier's font stack finds the usual ones)" >&2
    [ "$purpose" = test ] && exit 1
  fi
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
"$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' 2>/dev/null || {
  echo "setup: Python 3.11 is needed (found $("$python" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
  exit 1
}

# uv itself lives in a small tools environment of its own, pinned, so no global install is needed.
uv=.tools/bin/uv
if [ ! -x "$uv" ]; then
  "$python" -m venv .tools
  .tools/bin/pip install -q --disable-pip-version-check "uv==0.13.9"
fi

export UV_PYTHON="$python" UV_PYTHON_DOWNLOADS=never
stamp=.venv/.synced-$purpose
if [ ! -f "$stamp" ] || [ uv.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  if [ "$purpose" = test ]; then "$uv" sync --frozen -q; else "$uv" sync --frozen --no-dev -q; fi
  rm -f .venv/.synced-*
  touch "$stamp"
fi
