# Sourced by firmware-cost.sh and g722-cost.sh, after `cd firmware-example`: the target
# measured and its QEMU machine, the Rust toolchain's LLVM tools, and counting the
# instructions a firmware image runs between the calls of two marker functions, under QEMU
# with the TCG plugin in firmware-example/qemu-plugin.
FW=$PWD
# FIRMWARE_TARGET=thumbv7em-none-eabihf measures the Cortex-M4F build on mps2-an386 instead.
TARGET=${FIRMWARE_TARGET:-thumbv7m-none-eabi}
case $TARGET in
  thumbv7m-none-eabi) MACHINE=mps2-an385 CPU=cortex-m3 ;;
  thumbv7em-none-eabihf) MACHINE=mps2-an386 CPU=cortex-m4 ;;
  *) echo "unknown target $TARGET" >&2; exit 2 ;;
esac
TOOLS=$(dirname "$(find "$(rustc --print sysroot)/lib/rustlib" -name llvm-nm -type f | head -1)")
[ -x "$TOOLS/llvm-nm" ] || { echo "llvm-nm not found: rustup component add llvm-tools" >&2; exit 1; }

# build_plugin OUT: builds the instruction-counting plugin as OUT/insn_between.so.
build_plugin() {
  PLUGIN=$1/insn_between.so
  gcc -O2 -Wall -Wextra -shared -fPIC -o "$PLUGIN" "$FW/qemu-plugin/insn_between.c"
}

# symbol ELF NAME: the address of the function NAME in ELF.
symbol() { "$TOOLS/llvm-nm" "$1" | awk -v s="$2" '$3 == s {print "0x" $1}'; }

# run_counting ELF START STOP LOG COUNTS [HIST]: runs ELF under QEMU, its output to LOG,
# counting into COUNTS the instructions between each call of START and the next of STOP
# (and each basic block's executions into HIST, when given).
run_counting() {
  local start stop
  start=$(symbol "$1" "$2")
  stop=$(symbol "$1" "$3")
  QEMU_EXTRA_ARGS="-d plugin -D $5 -plugin $PLUGIN,start=$start,stop=$stop${6:+,hist=$6}" \
    ./qemu-run.sh "$MACHINE" "$CPU" "$1" > "$4"
}

# counts COUNTS: "stretches instructions largest" from run_counting's COUNTS.
counts() {
  awk '/^insn_between:/ {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    print v["stretches"], v["instructions"], v["largest"] }' "$1"
}
