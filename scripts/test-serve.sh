#!/usr/bin/env bash
# `recresp-sim serve` driven end to end by the Python Graph SDKs (msgraph-beta-sdk and
# msgraph-sdk, pinned, in a venv made here and reused): an incoming call answered, recorded and
# hung up by the caller; a call the bot places, the seed's recordResponse, the notification on
# a local callback, the recording downloaded with its token and compared byte for byte with
# what `recresp-sim run` writes; errors, wrong tokens, barge-in and cancel; /v1.0 shapes.
# The page at `/` in headless Chromium (host-sim/tests/browser/page.sh; screenshots kept under
# target/serve-page/).
# Then: a WAV whose header claims 4 GiB, given to `run --caller` and to a server's upload
# under a 1.5 GB address-space limit; the bot developer's walk-through (docs/bot-developer.md), run twice; the server's Rust
# tests (lifecycle, hardening, a bounded fuzz run). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install-lib.sh

SDKS=("msgraph-beta-sdk==1.66.0" "msgraph-sdk==1.65.0")
VENV="target/serve-sdk-venv"
MARK="$VENV/.installed-$(IFS=+; echo "${SDKS[*]}")"

ensure_apt python3 python3-venv curl jq openssl chromium
if [ ! -f "$MARK" ]; then
  echo "== making $VENV with ${SDKS[*]}"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  timeout 900 "$VENV/bin/pip" install -q --disable-pip-version-check "${SDKS[@]}"
  touch "$MARK"
fi

cargo build -q -p recresp-host-sim
SIM="$PWD/target/debug/recresp-sim"

source scripts/work-lib.sh

# Inputs: the built-in example's caller audio and prompt; the seed's request.
"$SIM" demo --out "$WORK/demo" >/dev/null
mkdir -p "$WORK/audio" "$WORK/media"
cp "$WORK/demo/caller.wav" "$WORK/audio/sdk-call.wav"
cp "$WORK/demo/caller.wav" "$WORK/audio/sdk-in.wav"
cp "$WORK/demo/caller.wav" "$WORK/audio/sdk-v1.wav"
cp "$WORK/demo/caller.wav" "$WORK/audio/demo-call.wav"
cp "$WORK/demo/media/"*.wav "$WORK/media/"
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

# start_server NAME ARGS...: starts a server on a free loopback port; sets ADDR and PID.
# With MEMORY_KB set, the server runs under `ulimit -v MEMORY_KB`.
start_server() {
  local name="$1"
  shift
  (
    [ -n "${MEMORY_KB:-}" ] && ulimit -v "$MEMORY_KB"
    exec "$SIM" serve --listen 127.0.0.1:0 --audio "$WORK/audio" --media "$WORK/media" "$@"
  ) >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PID="$!"
  PIDS+=("$PID")
  local i
  for i in $(seq 100); do
    ADDR="$(sed -n 's/^recresp-sim serve: listening on //p' "$WORK/$name.out" 2>/dev/null || true)"
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
echo "== Python Graph SDKs (${SDKS[*]}) against recresp-sim serve ($FAST, $REALTIME)"
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

echo "== the bot developer page's SDK example (host-sim/tests/sdk/example.py)"
mkdir -p "$WORK/example"
if ! (cd "$WORK/example" && timeout 60 "$OLDPWD/$VENV/bin/python" "$OLDPWD/host-sim/tests/sdk/example.py" \
    "$FAST" "$WORK/demo/request.json" demo-call.wav) >"$WORK/example.log" 2>&1 \
  || ! cmp -s "$WORK/example/answer.wav" "$WORK/demo/recording.wav"; then
  echo "FAILED: the SDK example" >&2
  cat "$WORK/example.log" >&2
  exit 1
fi
sed 's/^/  /' "$WORK/example.log"
echo "  ok: its answer.wav is the demo's recording.wav"

# A 144-byte WAV whose header claims 4 GiB of samples (RIFF and data sizes near 2^32).
python3 - "$WORK/lying.wav" <<'PY'
import struct, sys
fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16)
head = b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + fmt + b"data" + struct.pack("<I", 0xFFFFFFFE)
open(sys.argv[1], "wb").write(head + bytes(144 - len(head)))
PY
MEMORY_KB=1500000
echo "== a WAV header claiming 4 GiB, under ulimit -v $MEMORY_KB"
set +e
( ulimit -v "$MEMORY_KB"; exec "$SIM" run --request "$REQUEST" --caller "$WORK/lying.wav" \
    --recording "$WORK/never.wav" ) >"$WORK/lying-run.out" 2>"$WORK/lying-run.err"
code=$?
set -e
if [ "$code" -eq 0 ] || [ "$code" -ge 128 ] || ! grep -q "declares 4294967294 bytes" "$WORK/lying-run.err"; then
  echo "FAILED: recresp-sim run --caller lying.wav: exit $code" >&2
  cat "$WORK/lying-run.err" >&2
  exit 1
fi
echo "  ok: recresp-sim run refuses it (exit $code): $(head -1 "$WORK/lying-run.err")"
MEMORY_KB="$MEMORY_KB" start_server limited
LIMITED="$ADDR"
curl -sf -o /dev/null -H 'Authorization: Bearer t' -H 'Content-Type: application/json' \
  -d '{"id":"lying","callbackUri":"http://127.0.0.1:9/api/calls"}' "$LIMITED/v1.0/communications/calls"
status="$(curl -s -o "$WORK/lying-put.json" -w '%{http_code}' -X PUT --data-binary "@$WORK/lying.wav" \
  "$LIMITED/recresp/calls/lying/audio")"
if [ "$status" != 400 ] || ! jq -e '.error.message | test("declares 4294967294 bytes")' "$WORK/lying-put.json" >/dev/null \
  || ! kill -0 "$PID" 2>/dev/null; then
  echo "FAILED: PUT of the lying WAV: status $status, server alive: $(kill -0 "$PID" 2>/dev/null && echo yes || echo no)" >&2
  cat "$WORK/lying-put.json" "$WORK/limited.err" >&2
  exit 1
fi
curl -sf -o /dev/null "$LIMITED/recresp/stats"
echo "  ok: the server answers 400 ($(jq -r .error.message "$WORK/lying-put.json")) and goes on serving"

echo "== the walk-through of docs/bot-developer.md, twice in a row"
mkdir -p "$WORK/walk/ex/audio"
cp -r "$WORK/demo/." "$WORK/walk/ex/"
cp "$WORK/demo/caller.wav" "$WORK/walk/ex/audio/demo-call.wav"
awk '/<!-- walk-through: a call -->/{f=1; next} f && /^```sh/{g=1; next} g && /^```/{exit} g{print}' \
  docs/bot-developer.md >"$WORK/walk/call.sh"
[ -s "$WORK/walk/call.sh" ] || { echo "FAILED: no walk-through block in docs/bot-developer.md" >&2; exit 1; }
(
  cd "$WORK/walk"
  python3 -c '
import http.server as h, sys
class Bot(h.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
s = h.HTTPServer(("127.0.0.1", 0), Bot)
print(s.server_address[1], flush=True)
s.serve_forever()' >bot.port &
  echo "$!" >bot.pid
)
PIDS+=("$(cat "$WORK/walk/bot.pid")")
for i in $(seq 50); do [ -s "$WORK/walk/bot.port" ] && break; sleep 0.1; done
MEMORY_KB="" start_server walk
for round in 1 2; do
  if ! (cd "$WORK/walk" && SERVER="$ADDR" BOT="http://127.0.0.1:$(cat bot.port)/api/calls" \
      timeout 60 bash -euo pipefail call.sh) >"$WORK/walk/round$round.log" 2>&1; then
    echo "FAILED: walk-through round $round" >&2
    cat "$WORK/walk/round$round.log" "$WORK/walk.err" >&2
    exit 1
  fi
  echo "  ok: round $round: $(tail -1 "$WORK/walk/round$round.log")"
done

echo "== an https callback, trusted with --callback-ca"
mkdir -p "$WORK/tls"
(
  cd "$WORK/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 \
    -subj "/CN=recresp-sim test CA" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout bot.key -out bot.csr -subj "/CN=127.0.0.1" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >ext.cnf
  openssl x509 -req -in bot.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out bot.pem -days 2 \
    -extfile ext.cnf 2>/dev/null
  python3 -c '
import http.server as h, json, ssl, sys
class Bot(h.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        print(body["value"][0]["resourceData"].get("state"), flush=True)
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
s = h.HTTPServer(("127.0.0.1", 0), Bot)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
c.load_cert_chain("bot.pem", "bot.key")
s.socket = c.wrap_socket(s.socket, server_side=True)
print(s.server_address[1], flush=True)
s.serve_forever()' >bot.log 2>bot.err &
  echo "$!" >bot.pid
)
PIDS+=("$(cat "$WORK/tls/bot.pid")")
for i in $(seq 50); do [ -s "$WORK/tls/bot.log" ] && break; sleep 0.1; done
HTTPS_BOT="https://127.0.0.1:$(head -1 "$WORK/tls/bot.log")/api/calls"
MEMORY_KB="" start_server tls --callback-ca "$WORK/tls/ca.pem"
TLS_SERVER="$ADDR"
MEMORY_KB="" start_server untrusting --retries 0
UNTRUSTING="$ADDR"
for server in "$TLS_SERVER" "$UNTRUSTING"; do
  curl -sf -o /dev/null -H 'Authorization: Bearer t' -H 'Content-Type: application/json' \
    -d "{\"callbackUri\":\"$HTTPS_BOT\"}" "$server/v1.0/communications/calls"
done
for i in $(seq 100); do
  [ "$(curl -sf "$TLS_SERVER/recresp/stats" | jq .notifications.delivered)" = 2 ] &&
    [ "$(curl -sf "$UNTRUSTING/recresp/stats" | jq .notifications.abandoned)" = 2 ] && break
  sleep 0.1
done
if [ "$(tail -n +2 "$WORK/tls/bot.log" | tr '\n' ' ')" != "establishing established " ] ||
  [ "$(curl -sf "$UNTRUSTING/recresp/stats" | jq .notifications.delivered)" != 0 ]; then
  echo "FAILED: https delivery" >&2
  cat "$WORK/tls/bot.log" "$WORK/tls/bot.err" "$WORK/tls.err" "$WORK/untrusting.err" >&2
  exit 1
fi
echo "  ok: with --callback-ca the bot's https endpoint got establishing, established;" \
  "without it nothing was delivered ($(curl -sf "$UNTRUSTING/recresp/stats" | jq -c .notifications))"

echo "== the page at / in headless Chromium"
bash host-sim/tests/browser/page.sh "$SIM" "$PWD/target/serve-page"

echo "== the server's Rust tests"
if ! cargo test -p recresp-host-sim --test serve --test serve_lifecycle --test serve_hardening \
    --test serve_fuzz --test serve_page -- --nocapture >"$WORK/rust-tests.log" 2>&1; then
  grep -vE "posting to|gave up posting" "$WORK/rust-tests.log" >&2
  exit 1
fi
grep -E "^serve fuzz|^test result" "$WORK/rust-tests.log"
echo "test-serve: all passed"
