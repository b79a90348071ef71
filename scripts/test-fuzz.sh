#!/usr/bin/env bash
# The deterministic fuzz runs of the core's inputs, each 10 million executions in the `fuzz`
# profile (optimized, with overflow checks and debug assertions on, so an arithmetic
# overflow is a failure): the recorder's call sequences, Graph requests and the JSON
# writers, RFC 4733 telephone events, the C API's call sequences, and recresp-sim's WAV and
# capture (pcap, pcapng) readers under a memory limit. (The
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
echo "== fuzz: the C API's call sequences"
cargo test -q --profile fuzz -p recresp-ffi --test c_api_fuzz -- --ignored --nocapture 2>&1 \
  | grep -E "fuzz:|test result|panicked|FAILED|error"
# The WAV reader (recresp-sim's, for --caller, --media and serve's uploads) and the capture
# reader (run --rtp) under a 1.5 GB address-space limit: a reader that allocated from a
# header's claimed size would abort.
cargo test -q --profile fuzz -p recresp-host-sim --bin recresp-sim --no-run
for target in wav_reader_fuzz capture_reader_fuzz; do
  echo "== fuzz: recresp-sim's $target, under ulimit -v 1500000"
  (
    ulimit -v 1500000
    cargo test -q --profile fuzz -p recresp-host-sim --bin recresp-sim "$target" \
      -- --ignored --nocapture 2>&1 | grep -E "fuzz:|test result|panicked|FAILED|error|memory"
  )
done
echo "== fuzz runs passed"
