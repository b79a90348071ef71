#!/bin/sh
# k-fold estimate of the speech network's generalization gap across sources: the train
# sources of benches/speech-sources.tsv (the Asterisk prompts aside) are dealt into K
# groups (K = 3 by default, 3–5), kind by kind in the file's order; for each group the
# network is trained without it (the training of scripts/train-speech-net.sh, on the
# Asterisk part and the other groups) and scored on it (scripts/speech_kfold.py prints the
# frame-level figures per fold and the mean in-fold against out-of-fold). Not part of the
# test run: it trains K networks (about K times scripts/train-speech-net.sh's time).
# Usage: scripts/speech-kfold.sh [K] [hidden units] [epochs]
set -eu
cd "$(dirname "$0")/.."
k="${1:-3}"
case "$k" in 3 | 4 | 5) ;; *) echo "K must be 3, 4 or 5" >&2; exit 2 ;; esac
venv=target/speech-net-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'numpy>=1.24,<3'
fi
cargo build --release -q -p recresp-benches --bin speech_features
out=target/speech-kfold
mkdir -p "$out"
echo "== the Asterisk part" >&2
target/release/speech_features "$out/base.bin" --base-only
groups=""
g=0
while [ "$g" -lt "$k" ]; do
    names=$(grep -v '^#' benches/speech-sources.tsv |
        awk -F'\t' -v k="$k" -v g="$g" '$6 == "train" && $3 != "asterisk-core-sounds-en-wav" {
            n[$2]++; if ((n[$2] - 1) % k == g) print $1 }' | paste -sd, -)
    echo "== group $g: $names" >&2
    target/release/speech_features "$out/group$g.bin" --sources "$names"
    groups="$groups $out/group$g.bin"
    g=$((g + 1))
done
# shellcheck disable=SC2086
PYTHONPATH=scripts "$venv/bin/python" scripts/speech_kfold.py "$out/base.bin" $groups \
    --hidden "${2:-8}" --epochs "${3:-6}"
