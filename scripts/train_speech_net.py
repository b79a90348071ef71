#!/usr/bin/env python3
"""Trains the speech detector's frame network and writes core/src/speech/net_weights.rs.

Input: the feature dump written by `speech_features` (benches): a little header, then per
frame its features (int16) and a label byte (0 noise, 1 speech, 2 ignore: the
faint parts of speech that the noise buries, 3 music, 4 babble, 5 recorded music or sound
of the speech corpus, all without the answer's speech: noise to the network, weighed
MUSIC_WEIGHT, BABBLE_WEIGHT and RECORDED_WEIGHT times as much as other noise frames, since
these sounds are where the excess thresholds alone fail most). The label's top bit (0x80) marks a frame too quiet for the detector to consult the
network (its excess under a third of the weak threshold): the frames that are consulted,
where the network's verdict decides, weigh CONSULTED_WEIGHT times as much within their
class. The network is a two-layer perceptron
(ReLU hidden layer, logistic output), trained in float with numpy, then quantized to the
integer form `core/src/speech/net.rs` runs; the script evaluates the quantized network
with the same integer arithmetic and prints its frame accuracy.
"""
import argparse
import struct
import sys

import numpy as np

FEATURE_LIMIT = 8191
WEIGHT_LIMIT = 4095
HIDDEN_LIMIT = 32767
MUSIC_WEIGHT = 12.0
BABBLE_WEIGHT = 1.0
# The corpus's recorded music and sounds: of 1, 4 and 12, the weight chosen on the corpus's
# trained sources (docs/detectors.md, "Speech by source").
RECORDED_WEIGHT = 4.0
# Added to the output logit after training: weighing the rejected sounds up
# pushes the network's logits for speech under music below its gates; shifts of 0, 1, 2
# and 4 were tried on the trained sources.
OUTPUT_SHIFT = 2.0
CONSULTED_WEIGHT = 10.0


def load(path):
    with open(path, "rb") as f:
        magic, n_features = struct.unpack("<4sI", f.read(8))
        assert magic == b"RSF1", magic
        raw = np.frombuffer(f.read(), dtype=np.uint8)
    row = 2 * n_features + 1
    raw = raw[: len(raw) // row * row].reshape(-1, row)
    x = raw[:, : 2 * n_features].copy().view("<i2").astype(np.float32)
    y = raw[:, 2 * n_features]
    quiet = (y & 0x80) != 0
    return x, y & 0x7F, quiet


def train(x, y, quiet, hidden, epochs, seed):
    rng = np.random.default_rng(seed)
    keep = y != 2
    x, y, quiet = x[keep], y[keep], quiet[keep]
    music = y == 3
    babble = y == 4
    recorded = y == 5
    y = (y == 1).astype(np.float32)
    mu = x.mean(0)
    sd = x.std(0) + 1.0
    xn = (x - mu) / sd
    n, d = xn.shape
    # Balance the classes: each weighs half. Within a class, the frames the detector consults
    # the network on weigh CONSULTED_WEIGHT times the quiet ones, and among noise frames,
    # music, babble and recorded sounds weigh MUSIC_WEIGHT, BABBLE_WEIGHT and
    # RECORDED_WEIGHT times the others.
    neg = np.where(music, MUSIC_WEIGHT, np.where(babble, BABBLE_WEIGHT, np.where(recorded, RECORDED_WEIGHT, 1.0)))
    neg = neg * np.where(quiet, 1.0, CONSULTED_WEIGHT)
    posw = np.where(quiet, 1.0, CONSULTED_WEIGHT)
    wt = np.where(y > 0.5, 0.5 * posw / posw[y > 0.5].sum() * n, 0.5 * neg / neg[y < 0.5].sum() * n).astype(np.float32)
    w1 = rng.normal(0, 1 / np.sqrt(d), (d, hidden)).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    w2 = rng.normal(0, 1 / np.sqrt(hidden), hidden).astype(np.float32)
    b2 = np.float32(0)
    params = [w1, b1, w2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, beta1, beta2, batch, step = 3e-3, 0.9, 0.999, 1024, 0
    for epoch in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start : start + batch]
            xb, yb, wb = xn[idx], y[idx], wt[idx]
            h_pre = xb @ params[0] + params[1]
            h = np.maximum(h_pre, 0)
            z = h @ params[2] + params[3]
            p = 1 / (1 + np.exp(-np.clip(z, -30, 30)))
            total += float(-(wb * (yb * np.log(p + 1e-7) + (1 - yb) * np.log(1 - p + 1e-7))).sum())
            gz = wb * (p - yb) / len(idx)
            g2 = h.T @ gz
            gb2 = gz.sum()
            gh = np.outer(gz, params[2]) * (h_pre > 0)
            g1 = xb.T @ gh
            gb1 = gh.sum(0)
            grads = [g1, gb1, g2, gb2]
            step += 1
            for i, g in enumerate(grads):
                m[i] = beta1 * m[i] + (1 - beta1) * g
                v[i] = beta2 * v[i] + (1 - beta2) * g * g
                mh = m[i] / (1 - beta1**step)
                vh = v[i] / (1 - beta2**step)
                params[i] = params[i] - lr * mh / (np.sqrt(vh) + 1e-8)
        lr *= 0.7
        print(f"epoch {epoch}: loss {total / n:.4f}", file=sys.stderr)
    w1, b1, w2, b2 = params
    # Fold the normalization into the first layer: w·(x − mu)/sd = (w/sd)·x − w·mu/sd.
    w1f = w1 / sd[:, None]
    b1f = b1 - (mu / sd) @ w1
    return w1f, b1f, w2, float(b2)


def quantize(w1, b1, w2, b2):
    """Integer weights: hidden = clamp((W1q·x + B1q) >> s1, 0, 32767),
    logit_q8 = (W2q·hidden + B2q) >> s2."""
    # First layer: scale so the largest weight is near WEIGHT_LIMIT; the hidden unit is the
    # float one times 2^k for the largest k keeping it within HIDDEN_LIMIT in practice.
    a1 = WEIGHT_LIMIT / np.abs(w1).max()
    w1q = np.clip(np.round(w1 * a1), -WEIGHT_LIMIT, WEIGHT_LIMIT).astype(np.int64)
    # Float hidden h = (acc / a1); choose s1 so (acc >> s1) = h * 2^g with g as large as
    # fits: typical float hidden values are a few units; allow up to 64 → 2^9 units each.
    g = 9
    s1 = max(0, int(np.floor(np.log2(a1))) - g)
    hid_scale = a1 / 2**s1  # integer hidden = float hidden * hid_scale
    b1q = np.clip(np.round(b1 * a1), -(2**29), 2**29).astype(np.int64)
    # Output: logit_q8 = 256 * (w2·h + b2) with h = hq / hid_scale; the sum
    # W2q·hq + B2q is that times 2^s2, s2 as large as keeps |W2q| within WEIGHT_LIMIT.
    s2 = int(np.floor(np.log2(WEIGHT_LIMIT * hid_scale / (256 * np.abs(w2).max()))))
    s2 = max(s2, 0)
    w2q = np.clip(np.round(w2 * 256 * 2**s2 / hid_scale), -WEIGHT_LIMIT, WEIGHT_LIMIT).astype(np.int64)
    b2q = int(np.clip(np.round(b2 * 256 * 2**s2), -(2**29), 2**29))
    return w1q, b1q, s1, w2q, b2q, s2


def int_logit(x, q):
    w1q, b1q, s1, w2q, b2q, s2 = q
    acc = x.astype(np.int64) @ w1q + b1q
    h = np.clip(acc >> s1, 0, HIDDEN_LIMIT)
    return (h @ w2q + b2q) >> s2


def write_rs(path, q, n_features, notes, strong_offset_q8):
    w1q, b1q, s1, w2q, b2q, s2 = q
    hidden = w1q.shape[1]
    rows = "\n".join(
        "    [" + ", ".join(str(int(v)) for v in w1q[:, j]) + "]," for j in range(hidden)
    )
    with open(path, "w") as f:
        f.write(
            "//! Weights of the speech detector's frame network ([`super::net`]), generated by\n"
            "//! `scripts/train-speech-net.sh`: do not edit by hand.\n"
            + "".join(f"//! {note}\n" for note in notes)
            + "\n"
            "use super::features::FEATURE_COUNT;\n\n"
            "/// Hidden units.\n"
            f"pub const HIDDEN: usize = {hidden};\n\n"
            "/// Input weights of each hidden unit.\n"
            "#[rustfmt::skip]\n"
            f"pub const HIDDEN_WEIGHTS: [[i16; FEATURE_COUNT]; HIDDEN] = [\n{rows}\n];\n\n"
            "/// Bias of each hidden unit, in the units of its weighted sum.\n"
            "#[rustfmt::skip]\n"
            "pub const HIDDEN_BIAS: [i32; HIDDEN] = ["
            + ", ".join(str(int(v)) for v in b1q)
            + "];\n\n"
            "/// Right shift from a hidden unit's sum to its value.\n"
            f"pub const HIDDEN_SHIFT: u32 = {s1};\n\n"
            "/// Weight of each hidden unit in the output.\n"
            "#[rustfmt::skip]\n"
            "pub const OUT_WEIGHTS: [i16; HIDDEN] = ["
            + ", ".join(str(int(v)) for v in w2q)
            + "];\n\n"
            "/// Output bias, in the units of the output sum.\n"
            f"pub const OUT_BIAS: i32 = {b2q};\n\n"
            "/// Right shift from the output sum to the Q8 logit.\n"
            f"pub const OUT_SHIFT: u32 = {s2};\n\n"
            "/// How much the detector's strong gates are raised for this network (its operating\n"
            "/// point), Q8 logit.\n"
            f"pub const STRONG_OFFSET_Q8: i32 = {strong_offset_q8};\n"
        )


def main():
    ap = argparse.ArgumentParser(description="Fits the speech network to feature dumps of speech_features.")
    ap.add_argument("out", help="weights file to write (the form of net_weights.rs)")
    ap.add_argument("dumps", nargs="+", help="feature dumps (RSF1), taken together")
    ap.add_argument("--hidden", type=int, default=8, help="hidden units (default 8)")
    ap.add_argument("--epochs", type=int, default=6, help="epochs (default 6)")
    ap.add_argument("--strong-offset", type=float, default=0.0, help="raises the detector's strong gates for this network, in logits (default 0)")
    ap.add_argument("--note", action="append", default=[], help="a line for the file's header")
    args = ap.parse_args()
    parts = [load(d) for d in args.dumps]
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    quiet = np.concatenate([p[2] for p in parts])
    del parts
    print(f"{len(y)} frames: {np.mean(y == 1):.3f} speech, {np.mean(y == 2):.3f} ignored", file=sys.stderr)
    w1, b1, w2, b2 = train(x, y, quiet, args.hidden, args.epochs, seed=1)
    b2 += OUTPUT_SHIFT
    q = quantize(w1, b1, w2, b2)
    keep = y != 2
    music = y[keep] >= 3
    zf = np.maximum(x[keep] @ w1 + b1, 0) @ w2 + b2
    zi = int_logit(x[keep], q) / 256
    yk = np.where(y[keep] >= 3, 0, y[keep])
    for name, z in (("float", zf), ("integer", zi)):
        acc_s = np.mean(z[yk == 1] > 0)
        acc_n = np.mean(z[yk == 0] <= 0)
        acc_m = np.mean(z[music] <= 0)
        print(f"{name}: speech frames {acc_s:.3f} right, noise frames {acc_n:.3f} right, music/babble/recorded frames {acc_m:.3f}", file=sys.stderr)
    notes = [f"{args.hidden} hidden units, {len(y)} training frames."] + args.note
    write_rs(args.out, q, x.shape[1], notes, int(round(args.strong_offset * 256)))


if __name__ == "__main__":
    main()
