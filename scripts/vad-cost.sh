#!/bin/sh
# Instructions per 10 ms frame at 8 kHz of recresp's speech detector and WebRTC's VAD
# (mode 3), counted by valgrind's callgrind inside each detector's per-frame call (so the
# count does not depend on machine load). Prints a markdown table.
set -eu
cd "$(dirname "$0")/.."
cargo build --release -q -p recresp-benches --bin vad_cost
bin=target/release/vad_cost
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| detector | instructions per 10 ms frame (x86-64, callgrind) |"
echo "|---|---:|"
for which in recresp webrtc; do
    frames=$(valgrind --tool=callgrind --callgrind-out-file="$out/$which.cg" \
        --toggle-collect="*${which}_frame*" "$bin" "$which" 2>/dev/null | sed -n 's/^frames \([0-9]*\).*/\1/p')
    total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$out/$which.cg")
    case $which in recresp) name="recresp SpeechDetector";; *) name="WebRTC VAD mode 3";; esac
    echo "| $name | $((total / frames)) |"
done
