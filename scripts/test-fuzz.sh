#!/usr/bin/env bash
# The deterministic fuzz runs of the core's inputs, each 10 million executions in the `fuzz`
# profile (optimized, with overflow checks and debug assertions on, so an arithmetic
# overflow is a failure): the recorder's call sequences, Graph requests and the JSON
# writers, RFC 4733 telephone events, and recresp-sim's WAV reader under a memory limit. (The
# RTP fuzz run is in scripts/test-rtp.sh; serve's routes are fuzzed by its own test.) Each
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
# The WAV reader (recresp-sim's, for --caller, --media and serve's uploads) under a 1.5 GB
# address-space limit: a reader that allocated from a header's claimed size would abort.
echo "== fuzz: the WAV reader, under ulimit -v 1500000"
cargo test -q --profile fuzz -p recresp-host-sim --bin recresp-sim --no-run
(
  ulimit -v 1500000
  cargo test -q --profile fuzz -p recresp-host-sim --bin recresp-sim wav_reader_fuzz \
    -- --ignored --nocapture 2>&1 | grep -E "fuzz:|test result|panicked|FAILED|error|memory"
)
echo "== fuzz runs passed"
