#!/usr/bin/env bash
# The firmware example in CI: installs what it needs when missing (qemu-system-arm, the
# Cortex-M targets, defmt-print), checks its format and lints, builds it, runs it under QEMU
# with a timeout on the Cortex-M3 (mps2-an385; release, and dev with overflow checks) and the
# Cortex-M4F (mps2-an386), runs the G.722 channel and the 64-channel image on the Cortex-M3,
# and checks that the firmware's outcome lines (completion reasons, recording lengths and
# checksums) equal the committed golden files the host also reproduces, and its outbound
# lines (what it sent back) the host's. Any failing
# scenario, panic, hard fault or hang fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/install-lib.sh

DEFMT_PRINT_VERSION=1.2.0
TARGETS=(thumbv7m-none-eabi thumbv7em-none-eabihf)

ensure_apt qemu-system-arm
ensure_target "${TARGETS[@]}"
rustup component list --installed | grep -q '^llvm-tools' || rustup component add llvm-tools
if ! defmt-print --version 2>/dev/null | grep -q "$DEFMT_PRINT_VERSION"; then
  echo "== installing defmt-print $DEFMT_PRINT_VERSION"
  cargo install defmt-print --version "$DEFMT_PRINT_VERSION" --locked
fi

cd firmware-example
echo "== firmware: format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --release -- -D warnings
cargo clippy --workspace --release --target thumbv7em-none-eabihf -- -D warnings

run_under_qemu() { # TARGET LOG [CARGO PROFILE FLAG] [BINARY]
  local bin=${4:-recresp-firmware-example}
  echo "== firmware under QEMU ($1 ${3:---release}, $bin)"
  set +e
  QEMU_TIMEOUT=${QEMU_TIMEOUT:-120} cargo run "${3:---release}" --target "$1" --bin "$bin" 2>&1 | tee "$2"
  local status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "firmware on $1 failed (status $status)" >&2
    exit 1
  fi
  if [ "$bin" = many-channels ]; then
    grep -q "many channels: [0-9]* passed, 0 failed" "$2"
  elif [ "$bin" = g722-cost ]; then
    grep -q "g722: match" "$2"
  elif [ "$bin" = g722-channel ]; then
    grep -q "g722 channel: [0-9]* passed, 0 failed" "$2"
  else
    grep -q "firmware: [0-9]* passed, 0 failed" "$2"
  fi
}
mkdir -p target
run_under_qemu thumbv7m-none-eabi "$ROOT/firmware-example/target/qemu-cortex-m3.log"
run_under_qemu thumbv7em-none-eabihf "$ROOT/firmware-example/target/qemu-cortex-m4f.log"
# The dev profile keeps overflow checks and debug assertions on: the core must not trip them
# on the target either.
run_under_qemu thumbv7m-none-eabi "$ROOT/firmware-example/target/qemu-cortex-m3-dev.log" --profile=dev
# 64 recorders in one image, each on its own stream.
run_under_qemu thumbv7m-none-eabi "$ROOT/firmware-example/target/qemu-many-channels.log" --release many-channels
# A 16 kHz channel on a G.722 RTP stream.
run_under_qemu thumbv7m-none-eabi "$ROOT/firmware-example/target/qemu-g722-channel.log" --release g722-channel
# G.722 on the Cortex-M3: its octets and decoded audio equal the host's.
run_under_qemu thumbv7m-none-eabi "$ROOT/firmware-example/target/qemu-g722.log" --release g722-cost

cd "$ROOT"
for log in qemu-cortex-m3.log qemu-cortex-m4f.log qemu-cortex-m3-dev.log; do
  echo "== host and firmware agree ($log)"
  RECRESP_FIRMWARE_LOG="$ROOT/firmware-example/target/$log" \
    RECRESP_FIRMWARE_G722_LOG="$ROOT/firmware-example/target/qemu-g722-channel.log" \
    RECRESP_FIRMWARE_MANY_LOG="$ROOT/firmware-example/target/qemu-many-channels.log" \
    cargo test -p recresp-host-sim --test firmware_scenarios -- --include-ignored
done
echo "== Cortex-M3 cost figures against their goals (scripts/firmware-cost.sh --check)"
scripts/firmware-cost.sh --check
echo "== firmware example passed"
