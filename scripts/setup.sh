#!/usr/bin/env bash
# Sets up everything the project needs on a Debian machine with Python 3.11, idempotently:
#   scripts/setup.sh run    system packages for the app and the dossier, and the virtual environment
#   scripts/setup.sh test   the same, plus what the tests need (Chromium for end-to-end tests, and
#                           PostgreSQL's server binaries: the register's tests start a throwaway server)
# Python packages come from uv.lock; uv never downloads an interpreter (pyproject: python-downloads = never).
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-run}
run_packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils)
test_packages=(chromium postgresql)
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

# The 请示's faces (GB/T 9704-2012 asks for 仿宋, 楷体, 黑体 and a 小标宋-style title face): the
# free Fandol fonts (FandolFang, FandolKai, FandolHei, FandolSong; GPL-3 with a font exception,
# so a document that embeds them carries no licence obligation). Debian ships them only inside
# texlive-lang-chinese; its .deb is downloaded and unpacked without installing TeX.
fandol_faces=(FandolFang-Regular FandolKai-Regular FandolHei-Regular FandolSong-Regular FandolSong-Bold)
fandol_missing() { local list; list=$(fc-list 2>/dev/null); for face in "${fandol_faces[@]}"; do grep -q "$face" <<<"$list" || return 0; done; return 1; }
if fandol_missing; then
  if [ "$(id -u)" = 0 ]; then fandol_dir=/usr/local/share/fonts/fandol; else fandol_dir="${XDG_DATA_HOME:-$HOME/.local/share}/fonts/fandol"; fi
  if command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
    echo "setup: unpacking the Fandol fonts from texlive-lang-chinese into $fandol_dir"
    work=$(mktemp -d)
    chmod 755 "$work"
    ( cd "$work" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1 ) || { [ "$(id -u)" = 0 ] && apt-get update -qq && ( cd "$work" && apt-get download -qq texlive-lang-chinese >/dev/null 2>&1 ); } || true
    deb=$(ls "$work"/texlive-lang-chinese_*.deb 2>/dev/null | head -1)
    if [ -n "$deb" ]; then
      dpkg-deb -x "$deb" "$work/x"
      mkdir -p "$fandol_dir"
      for face in "${fandol_faces[@]}"; do
        cp "$work"/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/"$face".otf "$fandol_dir/"
      done
      cp "$work"/x/usr/share/doc/texlive-doc/fonts/fandol/README "$fandol_dir/README" 2>/dev/null || true
      zcat "$work"/x/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz > "$fandol_dir/COPYING" 2>/dev/null || true
      fc-cache -f "$fandol_dir" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
  fi
  if fandol_missing; then
    echo "setup: the Fandol fonts (texlive-lang-chinese) could not be installed; the 请示 needs them" >&2
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
