#!/usr/bin/env bash
# The speech network's size against what it gets right and what it costs. For each size
# (hidden units of the last round; 4, 8 and 16 by default) it fits the last round of
# scripts/train-speech-net.sh to that script's three dumps (target/speech-net/, made by a
# run of it), puts the weights into a scratch worktree of HEAD, and prints:
#  - the mean over the eight answer rows of `speech_sources --role held` (recresp's
#    detector on the held-out sources: music and sounds 10 and 5 dB under, babble, clean,
#    quiet and loud talkers);
#  - the whole recorder's Cortex-M3 instructions per 10 ms frame (scripts/firmware-cost.sh,
#    which needs what scripts/test-firmware.sh installs).
# Not part of the test run: about 10 minutes per size on 2 cores.
# Usage: scripts/speech-net-curve.sh [hidden units...]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/speech-net
for d in dump0 dump1 dump2; do
    [ -f "$work/$d.bin" ] || {
        echo "no $work/$d.bin: run scripts/train-speech-net.sh first" >&2
        exit 1
    }
done
tree=$root/target/speech-net-curve
git worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"
git worktree prune
git worktree add -q --detach "$tree" HEAD
trap 'git -C "$root" worktree remove --force "$tree"' EXIT
export CARGO_TARGET_DIR=$root/target/speech-net-curve-build
export RECRESP_SPEECH_CORPUS=${RECRESP_SPEECH_CORPUS:-$root/target/speech-corpus}
echo "| hidden units | held-out answer rows, mean | Cortex-M3 instructions per frame |"
echo "| ---: | ---: | ---: |"
for hidden in "${@:-4 8 16}"; do
    for h in $hidden; do
        weights=$tree/core/src/speech/net_weights.rs
        echo "== $h hidden units: fitting" >&2
        target/speech-net-venv/bin/python scripts/train_speech_net.py "$weights" \
            "$work/dump0.bin" "$work/dump1.bin" "$work/dump2.bin" --hidden "$h" --strong-offset 0.5 \
            --note "Trained in three rounds by scripts/train-speech-net.sh."
        rustfmt --edition 2021 "$weights"
        echo "== $h hidden units: held-out sources" >&2
        (cd "$tree" && cargo run --release -q -p recresp-benches --bin speech_sources -- \
            --role held --no-silero --no-webrtc > "$work/curve-held-$h.txt" 2> "$work/curve-held-$h.log") || {
            tail "$work/curve-held-$h.log" >&2
            exit 1
        }
        mean=$(awk -F'|' '/^\| 30 answers of/ { on = 1; next } on && /^\| ---/ { next }
                on && /^\|/ { split($3, a, " "); sum += a[1]; n++; next } on { exit }
                END { if (n != 8) exit 1; printf "%.1f %%", sum / n }' "$work/curve-held-$h.txt")
        echo "== $h hidden units: Cortex-M3 cost" >&2
        (cd "$tree" && env -u CARGO_TARGET_DIR bash scripts/firmware-cost.sh > "$work/curve-cost-$h.txt" 2>&1) || true
        cost_dir=$tree/firmware-example/target/cost
        frames=$(grep '^outcome ' "$cost_dir/run.log" | grep -o 'frames=[0-9]*' |
            awk -F= '{ s += $2 } END { print s }')
        total=$(grep -o 'instructions=[0-9]*' "$cost_dir/plugin.txt" | cut -d= -f2)
        echo "| $h | $mean | $((total / frames)) |"
    done
done
