#!/usr/bin/env bash
# What recresp's G.722 codec costs on a Cortex-M3 (or M4F): instructions per 10 ms frame
# (80 octets, 160 samples at 16 kHz) of the encoder and of the decoder, counted under QEMU by
# the TCG plugin in firmware-example/qemu-plugin between the marker functions of the
# firmware example's `g722-cost` image, and the codecs' state per channel. The image also
# checks that its octets and decoded audio equal the host's. Needs what
# scripts/test-firmware.sh installs, plus gcc.
set -euo pipefail
cd "$(dirname "$0")/../firmware-example"
. ../scripts/qemu-cost-lib.sh
ELF=$FW/target/$TARGET/release/g722-cost
OUT=$FW/target/cost-g722
mkdir -p "$OUT"

cargo build --release --target "$TARGET" --bin g722-cost -q
build_plugin "$OUT"

echo "== G.722 instructions per 10 ms frame (QEMU $MACHINE, $CPU, opt-level s)"
for what in encode decode; do
  run_counting "$ELF" "g722_${what}_start" "g722_${what}_stop" "$OUT/$what.log" "$OUT/$what.txt"
  grep -q "g722: match" "$OUT/$what.log"
  read -r calls total largest < <(counts "$OUT/$what.txt")
  echo "$what: $calls frames, $total instructions: $((total / calls)) per frame (largest $largest)"
done
grep -E "g722: (frames|octets)" "$OUT/decode.log" | sed "s/^INFO  //"
