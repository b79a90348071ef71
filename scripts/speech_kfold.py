#!/usr/bin/env python3
"""k-fold estimate of the speech network's generalization gap across sources.

Usage: speech_kfold.py BASE.bin GROUP0.bin GROUP1.bin ... [--hidden H] [--epochs E]

BASE.bin is the training set's Asterisk part (`speech_features --base-only`); each GROUP
file is the corpus part of one group of train sources (`speech_features --sources ...`).
For each group k the network is trained as scripts/train_speech_net.py trains it, on BASE
and every group but k, quantized, and scored with its integer arithmetic on the frames it
would be consulted on (not flagged quiet, not ignored): speech frames heard as speech,
other frames (noise, music, sounds, babble) heard as not speech, and their mean (the
balanced accuracy). In-fold: the corpus groups it was trained on; out-of-fold: group k.
"""
import sys

import numpy as np

from train_speech_net import int_logit, load, quantize, train


def score(q, x, y, quiet):
    keep = (y != 2) & ~quiet
    z = int_logit(x[keep], q)
    yk = y[keep]
    speech = np.mean(z[yk == 1] > 0) if np.any(yk == 1) else float("nan")
    other = np.mean(z[yk != 1] <= 0) if np.any(yk != 1) else float("nan")
    return speech, other, (speech + other) / 2


def main():
    args = sys.argv[1:]
    hidden, epochs = 8, 6
    if "--hidden" in args:
        at = args.index("--hidden")
        hidden = int(args[at + 1])
        del args[at : at + 2]
    if "--epochs" in args:
        at = args.index("--epochs")
        epochs = int(args[at + 1])
        del args[at : at + 2]
    base = load(args[0])
    groups = [load(p) for p in args[1:]]

    def cat(parts):
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))

    rows = []
    for k in range(len(groups)):
        rest = [g for i, g in enumerate(groups) if i != k]
        x, y, quiet = cat([base] + rest)
        print(f"fold {k}: training on {len(y)} frames", file=sys.stderr)
        q = quantize(*train(x, y, quiet, hidden, epochs, seed=1))
        inside = score(q, *cat(rest))
        outside = score(q, *groups[k])
        rows.append((inside, outside))
        print(
            f"fold {k}: in-fold speech {inside[0]:.3f} other {inside[1]:.3f} balanced {inside[2]:.3f}; "
            f"out-of-fold speech {outside[0]:.3f} other {outside[1]:.3f} balanced {outside[2]:.3f}",
            flush=True,
        )
    mean_in = np.mean([r[0][2] for r in rows])
    mean_out = np.mean([r[1][2] for r in rows])
    print(
        f"mean balanced frame accuracy: in-fold {mean_in:.3f}, out-of-fold {mean_out:.3f}, "
        f"gap {mean_in - mean_out:.3f} ({len(groups)} folds, {hidden} hidden units, {epochs} epochs)"
    )


if __name__ == "__main__":
    main()
