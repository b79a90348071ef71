#!/usr/bin/env bash
# cargo's runner for the firmware: qemu-run.sh MACHINE CPU ELF
# Runs ELF under qemu-system-arm with semihosting, decodes its defmt log with defmt-print and
# exits with QEMU's status (0 only if every scenario ended as expected). A run longer than
# $QEMU_TIMEOUT seconds (default 120) is killed and fails. Extra QEMU arguments (such as a
# -plugin) can be passed in $QEMU_EXTRA_ARGS.
set -euo pipefail
machine=$1 cpu=$2 elf=$3
# shellcheck disable=SC2086
timeout --kill-after=5 "${QEMU_TIMEOUT:-120}" \
  qemu-system-arm -machine "$machine" -cpu "$cpu" -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native ${QEMU_EXTRA_ARGS:-} -kernel "$elf" \
  | defmt-print -e "$elf" stdin
status=${PIPESTATUS[0]}
if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  echo "qemu-run: timed out after ${QEMU_TIMEOUT:-120} s" >&2
fi
exit "$status"
