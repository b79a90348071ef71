#!/bin/sh
# Trains the speech detector's frame network and regenerates core/src/speech/net_weights.rs.
# 1. `speech_features` (benches) runs the detector's own fixed-point code over the training
#    set (Asterisk prompts that are in neither the reported test draw, the two tuning
#    draws nor speech_deaf's answers, under white/pink/brown noise, babble and every style
#    of synthesized music at several SNRs, in the "never deaf" situations (the caller
#    already talking or talking over the prompt, a click or a tone while learning), and
#    noise and music alone, all drawn with seeds apart from the evaluation's) and dumps
#    each judged frame's features with its label (music and babble frames labelled apart,
#    and frames too quiet for the network to be consulted flagged).
# 2. scripts/train_speech_net.py (numpy, in a venv made here) fits the network (music
#    frames weighing 12 times as much as other noise frames, and the frames it is consulted
#    on 10 times as much as the quiet ones), quantizes it to the integer
#    form core/src/speech/net.rs runs, and writes the weights.
# Deterministic: the dump is made with an untrained network in place (every logit 0, the
# excess thresholds alone deciding; `FrameClassifier::feed_untrained`), so it does not
# depend on the committed weights, and a run reproduces them. Takes a few minutes.
# Usage: scripts/train-speech-net.sh [hidden units] [epochs]
set -eu
cd "$(dirname "$0")/.."
venv=target/speech-net-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'numpy>=1.24,<3'
fi
cargo run --release -q -p recresp-benches --bin speech_features -- target/speech-features.bin
"$venv/bin/python" scripts/train_speech_net.py target/speech-features.bin \
    core/src/speech/net_weights.rs "${1:-8}" "${2:-6}"
cargo fmt -p recresp-core
