# Sourced by the test scripts that start servers in the background: a temporary folder
# WORK, and PIDS, the processes they started (a script adds each one's pid); when the
# script exits, those processes are killed and waited for and WORK is removed.
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
