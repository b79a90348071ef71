#!/usr/bin/env bash
# Installs what recresp's tests need (Debian packages, the Cortex-M target) and runs every
# test: formatting, lints, the debug test suite, the heavy corpus tests in release mode, and
# the no_std build for thumbv7m-none-eabi. Benchmarks are not run here (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/install-lib.sh

APT_PACKAGES=(
  libspandsp-dev                 # SpanDSP, the DTMF peer
  libwebrtc-audio-processing-dev # WebRTC VAD, the speech-detection peer
  asterisk-core-sounds-en-wav    # 25 min of 8 kHz speech prompts
  asterisk-core-sounds-en-g722   # the same prompts coded in G.722 (the G.722 comparison with SpanDSP)
  espeak-ng sox libsox-fmt-base  # DTMF talk-off corpora (scripts/make-talkoff-corpus.sh):
  drascula-music planetblupi-music-midi timgm6mb-soundfont fluidsynth # speech and music
  pkg-config
)

# Prints a stage's title, then runs it: stage TITLE COMMAND [ARGS...].
stage() {
  echo "== $1"
  shift
  "$@"
}

# Golden files are compared here, never rewritten (see host-sim/tests/golden_file), and the
# run must leave every tracked file as it found it.
unset RECRESP_BLESS
tracked_before=$(git diff HEAD 2>/dev/null | sha256sum)

ensure_apt "${APT_PACKAGES[@]}"
ensure_target thumbv7m-none-eabi
rustup component list --installed | grep -q '^clippy' || rustup component add clippy
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
./scripts/install-silero.sh # Silero VAD (a venv under target/), the release tests' peer

stage "format" cargo fmt --all -- --check
stage "lints" cargo clippy --workspace --all-targets -- -D warnings
echo "== no_std build for Cortex-M3 (with and without the json and defmt features)"
cargo build -p recresp-core --target thumbv7m-none-eabi
cargo build -p recresp-core --target thumbv7m-none-eabi --no-default-features
cargo build -p recresp-core --target thumbv7m-none-eabi --no-default-features --features defmt
stage "tests (debug: overflow checks on)" cargo test --workspace
stage "speech corpus by source (scripts/make-speech-corpus.sh: its Debian packages, then sox)" ./scripts/make-speech-corpus.sh
stage "corpus and signal-suite tests (release)" cargo test --workspace --release
stage "fuzz runs of the core's inputs (scripts/test-fuzz.sh)" ./scripts/test-fuzz.sh
stage "speech detector cost against its goal (scripts/speech-cost.sh --check, callgrind)" ./scripts/speech-cost.sh --check
stage "speech network weights are what the training produces (scripts/train-speech-net.sh --check)" ./scripts/train-speech-net.sh --check
stage "C API (scripts/test-ffi.sh)" ./scripts/test-ffi.sh
stage "firmware example on Cortex-M3/M4F under QEMU (scripts/test-firmware.sh)" ./scripts/test-firmware.sh
stage "Graph server with the Python Graph SDK (scripts/test-serve.sh)" ./scripts/test-serve.sh
stage "RTP in, against GStreamer and tcpdump, and the RTP fuzz run (scripts/test-rtp.sh)" ./scripts/test-rtp.sh
stage "the README's and docs/' scripts, binaries, subcommands and links (scripts/test-docs.sh)" ./scripts/test-docs.sh
stage "recresp-core public API docs (scripts/test-api.sh)" ./scripts/test-api.sh
echo "== the tests changed no tracked file"
if [ "$(git diff HEAD 2>/dev/null | sha256sum)" != "$tracked_before" ]; then
  git status --short --untracked-files=no >&2
  echo "the test run changed tracked files (above)" >&2
  exit 1
fi
echo "== all tests passed"
