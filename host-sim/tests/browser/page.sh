#!/usr/bin/env bash
# The page at `/` of `recresp-sim serve`, in a real browser (headless Chromium): a call dialled,
# answered, subscribed to tones and recorded until the caller presses `#`, then hung up by the
# caller; the page is loaded after the recording and again after the hang-up, and its DOM is
# checked for the call, the operation and its completion reason, the notifications with their
# delivery attempts (the bot refuses the first one with a 503), the audio player with the
# recording loaded and the timeline picture drawn. Screenshots of both loads are kept.
#
# Usage: page.sh SIM OUT    (SIM: the recresp-sim binary; OUT: where the screenshots go)
set -euo pipefail
SIM="$1"
OUT="$2"
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$OUT"
source "$HERE/../../../scripts/work-lib.sh"
export NO_PROXY="127.0.0.1,localhost" no_proxy="127.0.0.1,localhost"

"$SIM" demo --out "$WORK/demo" >/dev/null
mkdir -p "$WORK/audio"
cp "$WORK/demo/caller.wav" "$WORK/audio/page-call.wav"

# The bot: answers 503 to the first notification it is sent, 202 to every other.
python3 -c '
import http.server as h
first = [True]
class Bot(h.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(503 if first[0] else 202)
        first[0] = False
        self.end_headers()
    def log_message(self, *a):
        pass
s = h.HTTPServer(("127.0.0.1", 0), Bot)
print(s.server_address[1], flush=True)
s.serve_forever()' >"$WORK/bot.port" &
PIDS+=("$!")
for _ in $(seq 50); do [ -s "$WORK/bot.port" ] && break; sleep 0.1; done
BOT="http://127.0.0.1:$(cat "$WORK/bot.port")/api/calls"

"$SIM" serve --listen 127.0.0.1:0 --audio "$WORK/audio" --media "$WORK/demo/media" \
  --backoff-ms 50 >"$WORK/serve.out" 2>"$WORK/serve.err" &
PIDS+=("$!")
SERVER=""
for _ in $(seq 100); do
  SERVER="$(sed -n 's/^recresp-sim serve: listening on //p' "$WORK/serve.out" 2>/dev/null || true)"
  [ -n "$SERVER" ] && break
  sleep 0.1
done
[ -n "$SERVER" ] || { echo "FAILED: the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 1; }

AUTH="Authorization: Bearer any"
JSON="Content-Type: application/json"
ID=$(curl -sf -H "$JSON" "$SERVER/recresp/calls" \
  -d "{\"id\":\"page-call\",\"callbackUri\":\"$BOT\",\"audio\":\"page-call.wav\"}" | jq -r .id)
curl -sf -o /dev/null -H "$AUTH" -H "$JSON" "$SERVER/v1.0/communications/calls/$ID/answer" \
  -d '{"acceptedModalities":["audio"],"mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"}}'
curl -sf -o /dev/null -H "$AUTH" -H "$JSON" "$SERVER/v1.0/communications/calls/$ID/subscribeToTone" \
  -d '{"clientContext":"page-tones"}'
OP=$(curl -sf -H "$AUTH" -H "$JSON" "$SERVER/beta/communications/calls/$ID/recordResponse" \
  -d @"$WORK/demo/request.json" | jq -r .id)
for _ in $(seq 100); do
  curl -sf -H "$AUTH" -o "$WORK/op.json" "$SERVER/beta/communications/calls/$ID/operations/$OP" &&
    [ "$(jq -r .status "$WORK/op.json")" != running ] && break
  sleep 0.1
done
REASON="$(jq -r .completionReason "$WORK/op.json")"
[ "$REASON" = stopToneDetected ] || { echo "FAILED: the recording ended with $REASON" >&2; exit 1; }

# waits until every notification the page lists has been delivered.
settled() {
  for _ in $(seq 100); do
    curl -sf "$SERVER/" -o "$WORK/settle.html"
    grep -q 'data-outcome="pending"' "$WORK/settle.html" || return 0
    sleep 0.1
  done
  echo "FAILED: notifications still pending" >&2
  return 1
}

# load NAME: the page in headless Chromium: its DOM after load, and a screenshot.
load() {
  local name="$1"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --virtual-time-budget=5000 --dump-dom "$SERVER/" >"$OUT/$name.html" 2>"$WORK/$name.err"
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --virtual-time-budget=5000 --window-size=1440,2300 --screenshot="$OUT/$name.png" \
    "$SERVER/" >/dev/null 2>>"$WORK/$name.err"
  [ -s "$OUT/$name.png" ] || { echo "FAILED: no screenshot" >&2; cat "$WORK/$name.err" >&2; exit 1; }
}

settled
load page-recorded
curl -sf -X POST "$SERVER/recresp/calls/$ID/hangUp"
settled
load page-hung-up

python3 "$HERE/check_page.py" "$OUT/page-recorded.html" "$OUT/page-hung-up.html" "$ID" "$OP"
echo "  ok: the page in Chromium shows the call, its recordResponse ($REASON), the notifications" \
  "with their attempts, the recording and its timeline"
echo "  screenshots: $OUT/page-recorded.png $OUT/page-hung-up.png"
