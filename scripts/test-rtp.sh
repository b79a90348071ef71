#!/usr/bin/env bash
# RTP in, checked against a stack recresp did not write: GStreamer sends a WAV as PCMU RTP
# (rtppcmupay) with an RFC 4733 event (rtpdtmfsrc/rtpdtmfmux) to a loopback UDP port,
# tcpdump captures it, and `recresp-sim run --rtp` must complete as `run --caller` does on
# the WAV, also with the capture impaired (loss, reordering, duplicates; scripts/rtp/impair.py),
# at 20, 30, 40 and 60 ms a packet (one captured on every device: Linux cooked v2), and with
# a key held 9 s. Hand-made captures (scripts/rtp/craft.py) cover silence suppression, RTCP on
# the port, Linux cooked v1 and v2, IP fragments, a key over two RFC 4733 segments, a G.722
# stream (refused, exit status 1) and packets that stop for 10 s (mediaReceiveTimeout).
# Then the RTP fuzz run (core/tests/rtp_fuzz.rs, 10 M executions).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install-lib.sh

ensure_apt gstreamer1.0-tools gstreamer1.0-plugins-good gstreamer1.0-plugins-base gstreamer1.0-libav tcpdump \
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 asterisk-core-sounds-en-wav

# GStreamer's Python bindings are Debian's, for Debian's interpreter.
PY=/usr/bin/python3
SPEECH=/usr/share/asterisk/sounds/en_US_f_Allison/vm-intro.wav
SIM=target/release/recresp-sim
PORT=$((20000 + $$ % 20000))
WORK=$(mktemp -d)
TCPDUMP_PID=""
cleanup() {
  [ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== build recresp-sim (release)"
cargo build -q --release -p recresp-host-sim

echo "== caller WAVs: 0.5 s silence, a spoken prompt, 3 s silence (and one with an in-band # at 7 s)"
"$PY" - "$SPEECH" "$WORK" <<'PYEOF'
import math, struct, sys, wave
src = wave.open(sys.argv[1])
assert (src.getframerate(), src.getnchannels(), src.getsampwidth()) == (8000, 1, 2)
speech = list(struct.unpack(f"<{src.getnframes()}h", src.readframes(src.getnframes())))
x = [0] * 4000 + speech + [0] * 24000
def save(name, s):
    w = wave.open(f"{sys.argv[2]}/{name}", "wb")
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    w.writeframes(struct.pack(f"<{len(s)}h", *s)); w.close()
save("caller.wav", x)
# '#' is 941 + 1477 Hz; 300 ms at -10 dBm0 per tone, from 7.0 s.
amp = 32767 * 10 ** ((-10 - 3.17) / 20)
y = list(x)
for i in range(2400):
    t = i / 8000
    y[56000 + i] = round(amp * (math.sin(2 * math.pi * 941 * t) + math.sin(2 * math.pi * 1477 * t)))
save("caller_key.wav", y)
PYEOF
cat > "$WORK/request.json" <<'JSON'
{"clientContext": "rtp-test", "playBeep": false, "stopTones": ["#"],
 "initialSilenceTimeoutInSeconds": 5, "maxSilenceTimeoutInSeconds": 2,
 "maxRecordDurationInSeconds": 30}
JSON

# capture NAME SENDER-ARGS...: sends the WAV with GStreamer while tcpdump captures the
# port on the loopback device (on every device, Linux cooked v2, with IFACE=any).
capture() {
  local name=$1; shift
  tcpdump -i "${IFACE:-lo}" -U -n -w "$WORK/$name.pcap" udp port "$PORT" 2>"$WORK/$name.tcpdump" &
  TCPDUMP_PID=$!
  for _ in $(seq 50); do grep -qs "listening on" "$WORK/$name.tcpdump" && break; sleep 0.1; done
  "$PY" scripts/rtp/gst_send.py "$@" "$PORT"
  sleep 0.5
  kill "$TCPDUMP_PID"; wait "$TCPDUMP_PID" 2>/dev/null || true; TCPDUMP_PID=""
  echo "   $name: $(grep 'packets captured' "$WORK/$name.tcpdump")"
}

echo "== GStreamer sends (real time, about 10 s each), tcpdump captures port $PORT"
capture plain "$WORK/caller.wav"
capture key "$WORK/caller.wav" --key '#@7.0:300'

# run NAME ARGS...: runs recresp-sim; stdout to NAME.out, stderr (events) to NAME.err.
run() {
  local name=$1; shift
  "$SIM" run --request "$WORK/request.json" --notification "$WORK/$name.json" -v "$@" \
    >"$WORK/$name.out" 2>"$WORK/$name.err"
}
# completion NAME: the completion's reason, status and result code, and the stop key.
completion() {
  "$PY" - "$WORK/$1.json" "$WORK/$1.err" <<'PYEOF'
import json, re, sys
v = json.load(open(sys.argv[1]))["value"][0]["resourceData"]
tones = re.findall(r"ToneDetected \{ digit: (\w+)", open(sys.argv[2]).read())
print(v["completionReason"], v["status"], v["resultInfo"]["code"], v["resultInfo"]["subcode"], "tones", tones)
PYEOF
}
# same A B: A and B completed alike.
same() {
  local a b
  a=$(completion "$1"); b=$(completion "$2")
  echo "   $1: $a"
  echo "   $2: $b"
  [ "$a" = "$b" ] || { echo "FAIL: $1 and $2 complete differently"; exit 1; }
}
stats() { grep -E '^rtp: (Rtp|playing|[0-9]+ packets refused)' "$WORK/$1.err" | sed 's/^/   /'; }
# identical A B: the whole stdout of A is B's.
identical() {
  cmp -s "$WORK/$1.out" "$WORK/$2.out" || { echo "FAIL: $1 printed other than $2"; diff "$WORK/$2.out" "$WORK/$1.out" | head; exit 1; }
}
# tones NAME: how many keys the run detected.
tones() { grep -c 'ToneDetected' "$WORK/$1.err" || true; }

echo "== run --rtp on the capture = run --caller on the WAV"
run wav --caller "$WORK/caller.wav"
run rtp --rtp "$WORK/plain.pcap"
same wav rtp
stats rtp
grep -q maxSilenceTimeout "$WORK/rtp.json" || { echo "FAIL: expected maxSilenceTimeout"; exit 1; }
cmp "$WORK/wav.out" "$WORK/rtp.out" || { echo "FAIL: run --rtp printed other than run --caller"; exit 1; }
echo "   (the whole output is identical)"

echo "== stream chosen by --ssrc and by --port gives the same run"
run by-ssrc --rtp "$WORK/plain.pcap" --ssrc 0x5EC00001
run by-port --rtp "$WORK/plain.pcap" --port "$PORT"
cmp "$WORK/rtp.out" "$WORK/by-ssrc.out"
cmp "$WORK/rtp.out" "$WORK/by-port.out"
if "$SIM" run --request "$WORK/request.json" --rtp "$WORK/plain.pcap" --ssrc 7 >/dev/null 2>&1; then
  echo "FAIL: an SSRC not in the capture was accepted"; exit 1
fi

echo "== out-of-band # (RFC 4733) = in-band # in the WAV"
run wav-key --caller "$WORK/caller_key.wav"
run rtp-key --rtp "$WORK/key.pcap"
same wav-key rtp-key
stats rtp-key
grep -q stopToneDetected "$WORK/rtp-key.json" || { echo "FAIL: expected stopToneDetected"; exit 1; }

echo "== impaired captures (pcapng): reordering and duplicates change nothing"
"$PY" scripts/rtp/impair.py "$WORK/plain.pcap" "$WORK/reordered.pcapng" \
  --swap 10,30,31,100,250 --delay 50:5,200:7,320:3 --duplicate 60,61,330
run reordered --rtp "$WORK/reordered.pcapng"
stats reordered
cmp "$WORK/rtp.out" "$WORK/reordered.out" || { echo "FAIL: reordering changed the run"; exit 1; }
echo "   identical to the capture as sent"

echo "== impaired captures: 7 packets lost (and some reordered) complete as the WAV does"
"$PY" scripts/rtp/impair.py "$WORK/plain.pcap" "$WORK/lossy.pcapng" \
  --swap 10,100 --delay 50:5 --drop 20,21,22,150,151,300,360
run lossy --rtp "$WORK/lossy.pcapng"
same wav lossy
stats lossy
grep -q 'lost_packets: 7,' "$WORK/lossy.err" || { echo "FAIL: expected 7 lost packets"; exit 1; }

echo "== impaired key capture: the first event packet lost, others reordered"
first_event=$("$PY" - "$WORK/key.pcap" <<'PYEOF'
import struct, sys
d = open(sys.argv[1], "rb").read(); off, n = 24, 0
while off < len(d):
    incl = struct.unpack("<I", d[off + 8:off + 12])[0]
    rtp = d[off + 16 + 42:off + 16 + incl]
    if rtp[1] & 0x7F == 101:
        print(n); break
    off += 16 + incl; n += 1
PYEOF
)
"$PY" scripts/rtp/impair.py "$WORK/key.pcap" "$WORK/key-impaired.pcapng" \
  --drop "40,41,$first_event" --swap "$((first_event + 1)),$((first_event + 3))"
run rtp-key-impaired --rtp "$WORK/key-impaired.pcapng"
same wav-key rtp-key-impaired
stats rtp-key-impaired
# Exactly the three dropped packets are lost (packets still waiting in the reorder window
# when the # ends the operation are neither played nor counted).
if ! grep -q 'lost_packets: 3,' "$WORK/rtp-key-impaired.err"; then
  mkdir -p target/rtp-test-failure && cp "$WORK"/key.pcap "$WORK"/rtp-key*.err target/rtp-test-failure/
  echo "FAIL: expected 3 lost packets (capture kept in target/rtp-test-failure)"
  exit 1
fi

echo "== GStreamer at 20, 30, 40 and 60 ms a packet = run --caller on the WAV as μ-law decodes it"
"$PY" scripts/rtp/craft.py dtx "$WORK/caller.wav" "$WORK/dtx.pcap" --ulaw-wav "$WORK/caller_ulaw.wav"
run wav-ulaw --caller "$WORK/caller_ulaw.wav"
identical rtp wav-ulaw
echo "   ptime 20: the whole output is identical"
# payload NAME: the link type, and the payload sizes of the PCMU packets with their counts.
payload() {
  "$PY" - "$WORK/$1.pcap" <<'PYEOF'
import collections, struct, sys
d = open(sys.argv[1], "rb").read()
link = struct.unpack("<I", d[20:24])[0]
head = {1: 14, 113: 16, 276: 20}[link] + 20 + 8
sizes, off = collections.Counter(), 24
while off < len(d):
    incl = struct.unpack("<I", d[off + 8:off + 12])[0]
    rtp = d[off + 16 + head:off + 16 + incl]
    if rtp[1] & 0x7F == 0:
        sizes[len(rtp) - 12] += 1
    off += 16 + incl
print(f"link type {link}, PCMU payload bytes {dict(sizes.most_common(3))}")
PYEOF
}
for ms in 30 40 60; do
  if [ "$ms" = 30 ]; then IFACE=any capture "ptime$ms" "$WORK/caller.wav" --ptime "$ms"
  else capture "ptime$ms" "$WORK/caller.wav" --ptime "$ms"; fi
  echo "   $(payload "ptime$ms")"
  payload "ptime$ms" | grep -q "bytes {$((8 * ms)):" || { echo "FAIL: expected $((8 * ms))-byte packets"; exit 1; }
  run "rtp-ptime$ms" --rtp "$WORK/ptime$ms.pcap"
  stats "rtp-ptime$ms"
  identical "rtp-ptime$ms" wav-ulaw
  echo "   ptime $ms: the whole output is identical"
done

echo "== GStreamer holds a '5' for 8.4 s, past one RFC 4733 segment (rtpdtmfsrc): one press, the same run as without it"
capture longkey "$WORK/caller.wav" --key '5@0.3:8400'
run rtp-longkey --rtp "$WORK/longkey.pcap"
stats rtp-longkey
identical rtp-longkey wav
[ "$(tones rtp-longkey)" = 1 ] || { echo "FAIL: expected one key, got $(tones rtp-longkey)"; exit 1; }

echo "== hand-made captures (scripts/rtp/craft.py) = run --caller on the μ-law WAV"
for case in dtx rtcp-mux cooked1 cooked2 fragments long-key; do
  "$PY" scripts/rtp/craft.py "$case" "$WORK/caller.wav" "$WORK/$case.pcap"
  run "crafted-$case" --rtp "$WORK/$case.pcap"
  identical "crafted-$case" wav-ulaw
  echo "   $case: the whole output is identical"
  stats "crafted-$case"
done
grep -q 'lost_packets: 0,' "$WORK/crafted-dtx.err" || { echo "FAIL: the suppressed pauses lost packets"; exit 1; }
[ "$(tones crafted-long-key)" = 1 ] || { echo "FAIL: the segmented key is $(tones crafted-long-key) presses"; exit 1; }
echo "   long-key: one press over two RFC 4733 segments"

echo "== a G.729 stream (PT 18, not decoded): exit status 1 naming the payload type, no Graph result"
"$PY" scripts/rtp/craft.py g729 "$WORK/caller.wav" "$WORK/g729.pcap"
if run crafted-g729 --rtp "$WORK/g729.pcap"; then echo "FAIL: a G.729 stream ran"; exit 1; fi
sed 's/^/   /' "$WORK/crafted-g729.err"
grep -q 'payload type 18 (' "$WORK/crafted-g729.err" || { echo "FAIL: payload type 18 not named"; exit 1; }
[ ! -s "$WORK/crafted-g729.out" ] || { echo "FAIL: a Graph result was printed"; exit 1; }

echo "== G.722 from GStreamer (libav's avenc_g722, rtpg722pay) = run --caller on libav's decoding"
# The caller with the in-band # (it survives the codec). The reference: that WAV coded and
# decoded by libav (16 kHz), a decoder recresp did not write; the capture: the same coder's
# packets, which recresp decodes itself.
gst-launch-1.0 -q filesrc location="$WORK/caller_key.wav" ! wavparse ! audioconvert ! audioresample \
  ! audio/x-raw,rate=16000,channels=1 ! avenc_g722 ! avdec_g722 ! audioconvert \
  ! audio/x-raw,format=S16LE ! wavenc ! filesink location="$WORK/caller-g722.wav"
capture g722 "$WORK/caller_key.wav" --codec g722
run wav-g722 --caller "$WORK/caller-g722.wav"
run rtp-g722 --rtp "$WORK/g722.pcap"
same wav-g722 rtp-g722
stats rtp-g722
grep -q stopToneDetected "$WORK/rtp-g722.json" || { echo "FAIL: expected stopToneDetected"; exit 1; }
grep -q 'payload type 9 (' "$WORK/rtp-g722.err" || { echo "FAIL: the stream played was not G.722"; exit 1; }

echo "== packets that stop for 10 s end the operation mediaReceiveTimeout"
cat > "$WORK/request-hold.json" <<'JSON'
{"clientContext": "rtp-test", "playBeep": false, "stopTones": ["#"],
 "maxSilenceTimeoutInSeconds": 20, "maxRecordDurationInSeconds": 60}
JSON
"$PY" scripts/rtp/craft.py stop10 "$WORK/caller.wav" "$WORK/stop10.pcap"
"$SIM" run --request "$WORK/request-hold.json" --notification "$WORK/hold-wav.json" -v \
  --caller "$WORK/caller_ulaw.wav" >"$WORK/hold-wav.out" 2>"$WORK/hold-wav.err"
"$SIM" run --request "$WORK/request-hold.json" --notification "$WORK/hold-rtp.json" -v \
  --rtp "$WORK/stop10.pcap" >"$WORK/hold-rtp.out" 2>"$WORK/hold-rtp.err"
echo "   WAV: $(completion hold-wav)"
echo "   capture stopping 10 s: $(completion hold-rtp)"
stats hold-rtp
grep -q maxSilenceTimeout "$WORK/hold-wav.json" || { echo "FAIL: expected the WAV to end maxSilenceTimeout"; exit 1; }
grep -q mediaReceiveTimeout "$WORK/hold-rtp.json" || { echo "FAIL: expected mediaReceiveTimeout"; exit 1; }

echo "== RTP fuzz: 10 M mutated packets through the parser and receiver (fuzz profile)"
RTP_FUZZ_EXECS=${RTP_FUZZ_EXECS:-10000000} cargo test -q --profile fuzz -p recresp-core \
  --test rtp_fuzz -- --ignored --nocapture 2>&1 | grep -E "^rtp fuzz|test result|panicked|FAILED"
echo "== RTP tests passed"
