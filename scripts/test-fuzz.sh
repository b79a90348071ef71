#!/usr/bin/env bash
# The deterministic fuzz runs of the core's inputs, each 10 million executions in the `fuzz`
# profile (optimized, with overflow checks and debug assertions on, so an arithmetic
# overflow is a failure): the recorder's call sequences, Graph requests and the JSON
# writers, RFC 4733 telephone events. (The RTP fuzz run is in scripts/test-rtp.sh.) Each
# target's count and seed can be set by its environment variables (see its file's docs);
# longer runs and their figures are in the CHANGELOG.
set -euo pipefail
cd "$(dirname "$0")/.."
run() { # NAME TEST [FEATURES]
  echo "== fuzz: $1"
  cargo test -q --profile fuzz -p recresp-core ${3:+--features "$3"} --test "$2" -- --ignored --nocapture 2>&1 \
    | grep -E "fuzz:|test result|panicked|FAILED|error" 
  # grep's status is not the test's: the pipeline's status is cargo's (pipefail).
}
run "recorder call sequences" recorder_fuzz
run "Graph requests and the JSON writers" request_fuzz json
run "RFC 4733 telephone events" rfc4733_fuzz
echo "== fuzz runs passed"
