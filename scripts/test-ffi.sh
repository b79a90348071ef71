#!/usr/bin/env bash
# Builds and tests recresp's C API (ffi/): installs the pinned cbindgen when missing,
# builds the Rust libraries in release, regenerates ffi/include/recresp.h and fails if it
# differs from the committed one, builds the C example hosts and the C tests with
# gcc -std=c99 -Wall -Wextra -Werror under AddressSanitizer and UndefinedBehaviorSanitizer,
# runs them, and checks that ffi/examples/record.c writes byte-identical recordings and
# notifications to `recresp-sim run` on the same inputs. ffi/examples/rtp_socket.c receives
# RTP on a loopback UDP socket from ffi/tests/rtp_send.py: its recording must be
# byte-identical to `recresp-sim run` on the audio sent, a stream that stops must end
# mediaReceiveTimeout on the host's clock, and an RFC 4733 key must stop it. Last, the
# embedded example (ffi/examples/embedded: static storage, no malloc) is built twice from
# the same header, for the host and, with Debian's gcc-arm-none-eabi and the no_std
# thumbv7m-none-eabi librecresp.a, for a Cortex-M3 run under QEMU; both must print the
# same bytes (but the line of sizes), and the channel sizes ffi/README.md states must be
# the ones both targets print.
#
#   scripts/test-ffi.sh           run everything
#   scripts/test-ffi.sh --bless   regenerate the committed header instead of checking it
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/install-lib.sh

CBINDGEN_VERSION=0.29.4
# Installed once per machine into cargo's own bin folder, not per checkout.
CBINDGEN=${CARGO_HOME:-$HOME/.cargo}/bin/cbindgen
OUT=$ROOT/target/ffi
mkdir -p "$OUT"

APT_PACKAGES=(
  gcc libc6-dev              # the C host builds, with ASan and UBSan
  python3                    # the RTP sender for rtp_socket.c
  gcc-arm-none-eabi          # the embedded example for Cortex-M3
  libnewlib-arm-none-eabi    # its C library (semihosting printf)
  qemu-system-arm            # runs it
)
ensure_apt "${APT_PACKAGES[@]}"
ensure_target thumbv7m-none-eabi
if ! { [ -x "$CBINDGEN" ] && "$CBINDGEN" --version | grep -qx "cbindgen $CBINDGEN_VERSION"; }; then
  echo "== installing cbindgen $CBINDGEN_VERSION"
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked --force
fi

echo "== building librecresp (release) and recresp-sim"
cargo build --release -p recresp-ffi -p recresp-host-sim

echo "== header: ffi/include/recresp.h is what cbindgen $CBINDGEN_VERSION generates"
(cd ffi && "$CBINDGEN" --quiet --config cbindgen.toml --crate recresp-ffi --output "$OUT/recresp.h")
if [ "${1:-}" = "--bless" ]; then
  cp "$OUT/recresp.h" ffi/include/recresp.h
  echo "ffi/include/recresp.h regenerated"
elif ! diff -u ffi/include/recresp.h "$OUT/recresp.h"; then
  echo "ffi/include/recresp.h is out of date: run scripts/test-ffi.sh --bless and commit it" >&2
  exit 1
fi

echo "== C builds: gcc -std=c99 -Wall -Wextra -Werror, ASan + UBSan"
CFLAGS=(-std=c99 -Wall -Wextra -Werror -g -O1 -fno-omit-frame-pointer
        -fsanitize=address,undefined -fno-sanitize-recover=all -Iffi/include)
# What a Rust staticlib needs from the system (as `rustc --print native-static-libs` lists).
RUST_LIBS=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
# The example host links the static library; the error tests link the shared one.
gcc "${CFLAGS[@]}" -o "$OUT/record" ffi/examples/record.c ffi/examples/wav.c \
  target/release/librecresp.a "${RUST_LIBS[@]}"
gcc "${CFLAGS[@]}" -o "$OUT/errors" ffi/tests/c/errors.c \
  -Ltarget/release -lrecresp -Wl,-rpath,"$ROOT/target/release"
gcc "${CFLAGS[@]}" -o "$OUT/rtp" ffi/tests/c/rtp.c \
  -Ltarget/release -lrecresp -Wl,-rpath,"$ROOT/target/release"
gcc "${CFLAGS[@]}" -o "$OUT/rtp_socket" ffi/examples/rtp_socket.c ffi/examples/wav.c \
  target/release/librecresp.a "${RUST_LIBS[@]}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== C error-path tests"
"$OUT/errors"

echo "== C RTP tests (recresp_channel_push_rtp)"
"$OUT/rtp"

echo "== record.c against recresp-sim run: byte-identical recording and notification"
SIM=$ROOT/target/release/recresp-sim
WORK=$OUT/compare
rm -rf "$WORK"
mkdir -p "$WORK/run"
"$SIM" demo --out "$WORK/demo" >/dev/null
cat >"$WORK/quick.json" <<'EOF'
{"playBeep":false,"initialSilenceTimeoutInSeconds":2,"maxSilenceTimeoutInSeconds":1,"maxRecordDurationInSeconds":4,"stopTones":["#"],"clientContext":"quick \"one\"\n"}
EOF
cat >"$WORK/capped.json" <<'EOF'
{"playBeep":true,"maxRecordDurationInSeconds":1,"maxSilenceTimeoutInSeconds":5}
EOF
cat >"$WORK/invalid.json" <<'EOF'
{"maxRecordDurationInSeconds":0}
EOF

# Each case: a request, a caller WAV, and extra arguments for both programs.
CASES=(
  "demo/request.json|demo/caller.wav|--media $WORK/demo/media"
  "demo/request.json|demo/caller.wav|"
  "demo/request.json|demo/caller.wav|--media $WORK/demo/media --call-id other-call"
  "quick.json|demo/caller.wav|"
  "capped.json|demo/caller.wav|--hang-up-at-end"
  "quick.json|demo/caller.wav|--hang-up-at-end"
)
SOUNDS=/usr/share/asterisk/sounds/en_US_f_Allison
for name in vm-intro vm-goodbye beep auth-thankyou hello-world; do
  [ -f "$SOUNDS/$name.wav" ] || { echo "missing $SOUNDS/$name.wav (asterisk-core-sounds-en-wav)" >&2; exit 1; }
  CASES+=("quick.json|$SOUNDS/$name.wav|" "capped.json|$SOUNDS/$name.wav|--hang-up-at-end"
          "demo/request.json|$SOUNDS/$name.wav|--media $WORK/demo/media")
done
# Every case above, and the refused request below.
EXPECTED_CASES=$((${#CASES[@]} + 1))

passed=0
failed=0
for case in "${CASES[@]}"; do
  IFS='|' read -r request caller extra <<<"$case"
  [[ $request = /* ]] || request=$WORK/$request
  [[ $caller = /* ]] || caller=$WORK/$caller
  # Both programs run in the same folder with the same relative output paths, so the
  # recordingLocation in both notifications is the same.
  cd "$WORK/run"
  rm -f rec.wav note.json
  # shellcheck disable=SC2086
  "$SIM" run --request "$request" --caller "$caller" --recording rec.wav \
    --notification note.json $extra >/dev/null
  sim_files=$(ls)
  rm -rf ../sim && mkdir ../sim
  # recresp-sim always writes the notification; the comparison is of what it wrote.
  ok=1
  [ -f note.json ] || { echo "  recresp-sim wrote no notification" >&2; ok=0; }
  [ -z "$sim_files" ] || mv ./* ../sim/
  # shellcheck disable=SC2086
  "$OUT/record" --request "$request" --caller "$caller" --recording rec.wav \
    --notification note.json $extra >/dev/null 2>"$WORK/record.log"
  [ "$(ls)" = "$sim_files" ] || ok=0
  for f in $sim_files; do
    cmp -s "$f" "../sim/$f" || ok=0
  done
  cd "$ROOT"
  label="$(basename "$request") $(basename "$caller") $extra"
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
    echo "  same: $label ($(echo $sim_files | tr '\n' ' '); $(tail -1 "$WORK/record.log" | sed 's/^record: //'))"
  else
    failed=$((failed + 1))
    echo "  DIFFERENT: $label" >&2
  fi
done

# A refused request: both exit with status 2.
set +e
"$SIM" run --request "$WORK/invalid.json" --caller "$WORK/demo/caller.wav" >/dev/null 2>&1
sim_status=$?
"$OUT/record" --request "$WORK/invalid.json" --caller "$WORK/demo/caller.wav" >/dev/null 2>&1
record_status=$?
set -e
if [ $sim_status = 2 ] && [ $record_status = 2 ]; then
  passed=$((passed + 1))
  echo "  same: invalid.json refused with status 2"
else
  failed=$((failed + 1))
  echo "  DIFFERENT: invalid.json: recresp-sim $sim_status, record $record_status" >&2
fi

echo "record.c comparison: $passed passed, $failed failed"
[ "$failed" = 0 ]
[ "$passed" = "$EXPECTED_CASES" ] || { echo "expected $EXPECTED_CASES cases, ran $passed" >&2; exit 1; }

echo "== rtp_socket.c: RTP from a loopback UDP socket"
SOCK=$OUT/socket
rm -rf "$SOCK"
mkdir -p "$SOCK"
echo '{"playBeep":false,"initialSilenceTimeoutInSeconds":5,"maxSilenceTimeoutInSeconds":3,"maxRecordDurationInSeconds":10,"stopTones":["#","*"]}' \
  >"$SOCK/answer.json"
echo '{"playBeep":false,"initialSilenceTimeoutInSeconds":10,"maxSilenceTimeoutInSeconds":10,"maxRecordDurationInSeconds":60}' \
  >"$SOCK/hold.json"
# Runs rtp_socket with the request $2 and its extra arguments $3, sends it demo/caller.wav
# with rtp_send.py and the extra arguments $4, and waits for it; its output is in
# $SOCK/$1.out.
socket_case() {
  local name=$1 request=$2 receiver=$3 sender=$4 pid port
  # The arguments are split on spaces, never globbed (a key may be '*').
  local -
  set -f
  # shellcheck disable=SC2086
  "$OUT/rtp_socket" --request "$SOCK/$request" --wait-seconds 60 $receiver \
    >"$SOCK/$name.out" 2>"$SOCK/$name.err" &
  pid=$!
  for _ in $(seq 100); do
    grep -qs '^listening on' "$SOCK/$name.out" && break
    sleep 0.1
  done
  port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$SOCK/$name.out")
  [ -n "$port" ] || { echo "  $name: rtp_socket did not start" >&2; kill "$pid"; return 1; }
  # shellcheck disable=SC2086
  python3 ffi/tests/rtp_send.py --port "$port" --wav "$WORK/demo/caller.wav" $sender >/dev/null
  wait "$pid" || { echo "  $name: rtp_socket failed: $(cat "$SOCK/$name.err")" >&2; return 1; }
  grep '^completed:' "$SOCK/$name.out" | sed "s/^/  $name: /"
}
# The whole caller, on a μ-law channel: the same recording and completion as recresp-sim
# run on the audio sent, and no packet lost.
socket_case answer answer.json "--kind ulaw8k --recording $SOCK/rtp.wav" "--decoded $SOCK/sent.wav"
"$SIM" run --request "$SOCK/answer.json" --caller "$SOCK/sent.wav" --recording "$SOCK/sim.wav" \
  --notification "$SOCK/sim.json" >/dev/null
reason=$(grep -o '"completionReason":"[A-Za-z]*"' "$SOCK/sim.json" | cut -d'"' -f4)
grep -q "^completed: $reason .*, lost 0, .*rtcp 1; lost media 0 samples$" "$SOCK/answer.out" \
  || { echo "rtp_socket did not end $reason as recresp-sim run did, without loss" >&2; exit 1; }
cmp "$SOCK/rtp.wav" "$SOCK/sim.wav"
echo "  answer: recording byte-identical to recresp-sim run on the audio sent ($reason)"
# The network dies after 2.5 s: the host's clock alone ends it after 5 s of lost media
# (the default media timeout).
socket_case hold hold.json "" "--stop-after-ms 2500"
lost=$(sed -n 's/^completed: mediaReceiveTimeout .*; lost media \([0-9]*\) samples$/\1/p' "$SOCK/hold.out")
[ -n "$lost" ] && [ "$lost" -ge 40000 ] \
  || { echo "rtp_socket did not end mediaReceiveTimeout after 5 s of lost media" >&2; exit 1; }
# An RFC 4733 '*' 1.5 s in stops it there.
socket_case key answer.json "--events 101" "--event-pt 101 --key * --key-at-ms 1500"
grep -qx 'tone \* at 12000' "$SOCK/key.out" && grep -q '^completed: stopToneDetected ' "$SOCK/key.out" \
  || { echo "rtp_socket did not stop on the RFC 4733 key at 1.5 s" >&2; exit 1; }

echo "== embedded example: host and Cortex-M3 (QEMU mps2-an385) print the same bytes"
cargo build --release -p recresp-ffi --target thumbv7m-none-eabi --no-default-features
gcc "${CFLAGS[@]}" -o "$OUT/embedded" ffi/examples/embedded/main.c \
  target/release/librecresp.a "${RUST_LIBS[@]}"
arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -O2 -g -mcpu=cortex-m3 -mthumb \
  -nostartfiles --specs=rdimon.specs -Iffi/include -T ffi/examples/embedded/mps2-an385.ld \
  -Wl,--gc-sections -Wl,--no-warn-execstack -o "$OUT/embedded.elf" \
  ffi/examples/embedded/startup.c ffi/examples/embedded/main.c \
  target/thumbv7m-none-eabi/release/librecresp.a
arm-none-eabi-size "$OUT/embedded.elf"
"$OUT/embedded" >"$OUT/embedded-host.txt"
timeout 300 qemu-system-arm -M mps2-an385 -cpu cortex-m3 -nographic \
  -semihosting-config enable=on,target=native -kernel "$OUT/embedded.elf" >"$OUT/embedded-arm.txt"
diff -u <(grep -v '^sizes:' "$OUT/embedded-host.txt") <(grep -v '^sizes:' "$OUT/embedded-arm.txt")
grep -x "embedded host: [0-9]* passed, 0 failed" "$OUT/embedded-arm.txt"

echo "== the channel sizes ffi/README.md states are the ones each target prints"
sizes() {
  sed -n 's/^sizes: pcm16k \([0-9]*\), pcm8k \([0-9]*\), ulaw8k \([0-9]*\), settings \([0-9]*\)$/\1 \2 \3 \4/p' "$1"
}
read -r h16 h8 hu hs <<<"$(sizes "$OUT/embedded-host.txt")"
read -r a16 a8 au as <<<"$(sizes "$OUT/embedded-arm.txt")"
sentence="A settings handle takes $hs bytes on x86-64 and $as on Cortex-M3"
tr '\n' ' ' <ffi/README.md | grep -qF -- "$sentence" \
  || { echo "ffi/README.md lacks: $sentence" >&2; exit 1; }
for row in "PCM16K|$h16|$a16" "PCM8K|$h8|$a8" "ULAW8K|$hu|$au"; do
  IFS='|' read -r kind host arm <<<"$row"
  line="| \`RECRESP_CHANNEL_KIND_$kind\` | $host | $arm |"
  grep -qF -- "$line" ffi/README.md || { echo "ffi/README.md lacks the row: $line" >&2; exit 1; }
  echo "  $kind: $host bytes on x86-64, $arm on Cortex-M3"
done
echo "== C API: all passed"
