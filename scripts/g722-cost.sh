#!/usr/bin/env bash
# What recresp's G.722 codec costs on a Cortex-M3 (or M4F): instructions per 10 ms frame
# (80 octets, 160 samples at 16 kHz) of the encoder and of the decoder, counted under QEMU by
# the TCG plugin in firmware-example/qemu-plugin between the marker functions of the
# firmware example's `g722-cost` image, and the codecs' state per channel. The image also
# checks that its octets and decoded audio equal the host's. Needs what
# scripts/test-firmware.sh installs, plus gcc.
set -euo pipefail
cd "$(dirname "$0")/../firmware-example"
FW=$PWD
TARGET=${FIRMWARE_TARGET:-thumbv7m-none-eabi}
case $TARGET in
  thumbv7m-none-eabi) MACHINE=mps2-an385 CPU=cortex-m3 ;;
  thumbv7em-none-eabihf) MACHINE=mps2-an386 CPU=cortex-m4 ;;
  *) echo "unknown target $TARGET" >&2; exit 2 ;;
esac
ELF=$FW/target/$TARGET/release/g722-cost
OUT=$FW/target/cost-g722
mkdir -p "$OUT"

SYSROOT=$(rustc --print sysroot)
TOOLS=$(dirname "$(find "$SYSROOT/lib/rustlib" -name llvm-nm -type f | head -1)")
[ -x "$TOOLS/llvm-nm" ] || { echo "llvm-nm not found: rustup component add llvm-tools" >&2; exit 1; }

cargo build --release --target "$TARGET" --bin g722-cost -q
gcc -O2 -Wall -Wextra -shared -fPIC -o "$OUT/insn_between.so" "$FW/qemu-plugin/insn_between.c"
addr() { "$TOOLS/llvm-nm" "$ELF" | awk -v s="$1" '$3 == s {print "0x" $1}'; }

echo "== G.722 instructions per 10 ms frame (QEMU $MACHINE, $CPU, opt-level s)"
for what in encode decode; do
  start=$(addr "g722_${what}_start")
  stop=$(addr "g722_${what}_stop")
  QEMU_EXTRA_ARGS="-d plugin -D $OUT/$what.txt -plugin $OUT/insn_between.so,start=$start,stop=$stop" \
    ./qemu-run.sh "$MACHINE" "$CPU" "$ELF" > "$OUT/$what.log"
  grep -q "g722: match" "$OUT/$what.log"
  read -r calls total largest < <(awk '/^insn_between:/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    print v["stretches"], v["instructions"], v["largest"] }' "$OUT/$what.txt")
  echo "$what: $calls frames, $total instructions: $((total / calls)) per frame (largest $largest)"
done
grep -E "g722: (frames|octets)" "$OUT/decode.log" | sed "s/^INFO  //"
