#!/bin/sh
# Trains the speech detector's frame network and regenerates core/src/speech/net_weights.rs.
#
# The training data: `speech_features` (benches) runs the detector's own fixed-point code
# over the training set and dumps each judged frame's features with its label (music,
# recorded sound and babble frames labelled apart, and frames too quiet for the network to
# be consulted flagged). The set is the Asterisk prompts that are in neither the reported
# test draw, the two tuning draws nor speech_deaf's answers, under white/pink/brown noise,
# babble and every style of synthesized music at several SNRs, in the "never deaf"
# situations (the caller already talking or talking over the prompt, a click or a tone
# while learning), noise and music alone, all drawn with seeds apart from the evaluation's;
# and the `train` sources of benches/speech-sources.tsv (recorded music and sounds alone
# and under those prompts, synthesized voices clean and in noise), never the `held` ones.
# scripts/make-speech-corpus.sh builds that corpus first.
#
# Three rounds, so that the network also learns the states it leads the detector into at
# run time (noise floors held and means frozen after it took a sound for speech), which a
# dump made without it never shows:
#   1. dump 0, with an untrained network in the loop (every logit 0: the excess thresholds
#      alone decide); fit 8 hidden units to it;
#   2. dump 1, with round 1's network in the loop; fit 8 units to dumps 0 and 1;
#   3. dump 2, with round 2's network in the loop; fit the committed network (16 units by
#      default) to dumps 0, 1 and 2. Its strong gates are raised by 0.5 logit
#      (STRONG_OFFSET_Q8): the operating point chosen on the tuning seeds (fewer starts
#      on synthesized music alone); the rounds before run at the detector's gates.
# scripts/train_speech_net.py (numpy, in a venv made here) fits each network, quantizes it
# to the integer form core/src/speech/net.rs runs, and writes it.
#
# Deterministic: each dump depends only on the code, the corpus and the rounds before, so
# a run reproduces the committed weights byte for byte. It takes about 10 minutes on 2
# cores; the dumps and the rounds' weights stay in target/speech-net/
# (scripts/speech-net-curve.sh fits other sizes to them).
#
# Usage: scripts/train-speech-net.sh [hidden units] [epochs]
#          trains and writes core/src/speech/net_weights.rs;
#        scripts/train-speech-net.sh --check
#          the same into target/, failing unless it gives the committed file
#          (scripts/test.sh runs this).
set -eu
cd "$(dirname "$0")/.."
weights=core/src/speech/net_weights.rs
out="$weights"
mode=train
case "${1:-}" in
--check)
    mode=check
    out=target/net_weights.check.rs
    shift
    ;;
-*)
    echo "usage: $0 [--check | HIDDEN [EPOCHS]]" >&2
    exit 2
    ;;
esac
hidden="${1:-16}"
epochs="${2:-6}"
work=target/speech-net
mkdir -p "$work"
./scripts/make-speech-corpus.sh "${RECRESP_SPEECH_CORPUS:-target/speech-corpus}"
cargo build --release -q -p recresp-benches --bin speech_features
features=target/release/speech_features

echo "== round 1: dump 0 (untrained network in the loop)" >&2
$features "$work/dump0.bin"
venv=target/speech-net-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'numpy>=1.24,<3'
fi
fit() { # OUT HIDDEN STRONG_OFFSET DUMPS...
    o=$1 h=$2 s=$3
    shift 3
    "$venv/bin/python" scripts/train_speech_net.py "$o" "$@" --hidden "$h" --epochs "$epochs" \
        --strong-offset "$s" \
        --note "Trained in three rounds by scripts/train-speech-net.sh."
}
fit "$work/round1.rs" 8 0 "$work/dump0.bin"
echo "== round 2: dump 1 (round 1's network in the loop)" >&2
$features "$work/dump1.bin" --network "$work/round1.rs"
fit "$work/round2.rs" 8 0 "$work/dump0.bin" "$work/dump1.bin"
echo "== round 3: dump 2 (round 2's network in the loop)" >&2
$features "$work/dump2.bin" --network "$work/round2.rs"
fit "$out" "$hidden" 0.5 "$work/dump0.bin" "$work/dump1.bin" "$work/dump2.bin"
if [ "$mode" = train ]; then
    cargo fmt -p recresp-core
    exit 0
fi
rustfmt --edition 2021 "$out"
if ! cmp -s "$out" "$weights"; then
    diff "$weights" "$out" >&2 || true
    echo "$weights is not what scripts/train-speech-net.sh produces" >&2
    exit 1
fi
echo "$weights: what the training produces"
