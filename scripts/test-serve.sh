#!/usr/bin/env bash
# `recresp-sim serve` driven end to end by the Python Graph SDK (msgraph-beta-sdk, pinned, in
# a venv made here and reused): a call, the seed's recordResponse, the notification on a local
# callback, the recording downloaded with its token and compared byte for byte with what
# `recresp-sim run` writes; errors, wrong tokens, barge-in and cancel. Loopback only.
# (The Rust tests of the server, tests/serve*.rs, run with the workspace's tests.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-lib.sh

SDK="msgraph-beta-sdk==1.66.0"
VENV="target/serve-sdk-venv"

ensure_apt python3 python3-venv
if [ ! -f "$VENV/.installed-$SDK" ]; then
  echo "== making $VENV with $SDK"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  timeout 900 "$VENV/bin/pip" install -q --disable-pip-version-check "$SDK"
  touch "$VENV/.installed-$SDK"
fi

cargo build -q -p recresp-host-sim
SIM="$PWD/target/debug/recresp-sim"

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# Inputs: the built-in example's caller audio and prompt; the seed's request.
"$SIM" demo --out "$WORK/demo" >/dev/null
mkdir -p "$WORK/audio" "$WORK/media"
cp "$WORK/demo/caller.wav" "$WORK/audio/sdk-call.wav"
cp "$WORK/demo/media/"*.wav "$WORK/media/beep.wav"
# A 4.5 s prompt for the queue tests, so that their requests reach a queue still busy with it.
python3 - "$WORK/media/beep.wav" "$WORK/media/long.wav" <<'PY'
import sys, wave
with wave.open(sys.argv[1]) as w:
    params, frames = w.getparams(), w.readframes(w.getnframes())
with wave.open(sys.argv[2], "wb") as out:
    out.setparams(params)
    out.writeframes(frames * 3)
PY
REQUEST="host-sim/tests/sdk/seed-request.json"
"$SIM" run --request "$REQUEST" --caller "$WORK/demo/caller.wav" --media "$WORK/media" \
  --recording "$WORK/expected.wav" >/dev/null

# start_server NAME ARGS...: starts a server on a free loopback port; sets ADDR.
start_server() {
  local name="$1"
  shift
  "$SIM" serve --listen 127.0.0.1:0 --audio "$WORK/audio" --media "$WORK/media" "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PIDS+=("$!")
  local i
  for i in $(seq 100); do
    ADDR="$(sed -n 's/^recresp-sim serve: listening on //p' "$WORK/$name.out")"
    [ -n "$ADDR" ] && return 0
    sleep 0.1
  done
  echo "recresp-sim serve did not start:" >&2
  cat "$WORK/$name.err" >&2
  return 1
}
start_server fast
FAST="$ADDR"
start_server realtime --realtime
REALTIME="$ADDR"

export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"
echo "== Python Graph SDK ($SDK) against recresp-sim serve ($FAST, $REALTIME)"
if ! timeout 120 "$VENV/bin/python" host-sim/tests/sdk/test_sdk.py \
  --fast "$FAST" --realtime "$REALTIME" --request "$REQUEST" \
  --expected "$WORK/expected.wav" --prompt-uri "https://cdn.contoso.com/beep.wav" \
  --queue-prompt-uri "https://cdn.contoso.com/long.wav"; then
  echo "== server log (fast)" >&2
  cat "$WORK/fast.err" >&2
  echo "== server log (realtime)" >&2
  cat "$WORK/realtime.err" >&2
  exit 1
fi
