#!/usr/bin/env python3
"""Sparse deep neural network inference in the style of the MIT/IEEE/Amazon Graph Challenge:
Y(l+1) = min(max(Y(l) W(l) + b on the nonzeros of Y(l) W(l), 0), 32), W(l) RadiX-Net-like
(each neuron feeds 32 neurons of the next layer through mixed-radix butterflies, weight 1/16),
b = -0.3, inputs generated sparse and binary. The answer is the categories: the input rows with
any nonzero output after the last layer.

  dnn.py prepare --work DIR --neurons N --layers L --inputs M --batches B --seed S
      writes DIR/weights/layer_LLL.npz and DIR/inputs/batch_B.npz (rows split into B batches)
  dnn.py infer --work DIR --batch B --first F --last T
      runs layers F..T on one batch: DIR/act/batch_B_L{F-1}.npz (or the input) -> ..._L{T}.npz
  dnn.py categories --work DIR --batches B --layers L
      gathers the batches' last activations -> DIR/categories.txt and DIR/stats.json
  dnn.py serial --out DIR --neurons N --layers L --inputs M --seed S
      the whole inference in one process (the reference) -> DIR/categories.txt, DIR/stats.json
"""

import argparse
import glob
import hashlib
import json
import os

import numpy as np
import scipy.sparse as sp

RADIX = 32
WEIGHT = 1.0 / 16
BIAS = -0.3
YMAX = 32.0


def place_values(neurons):
    """The butterfly place values 1, 32, 32^2, ... for N = 32^k neurons."""
    k, n = 0, 1
    while n < neurons:
        n *= RADIX
        k += 1
    if n != neurons:
        raise SystemExit(f"--neurons must be a power of {RADIX} (1024, 32768, ...), not {neurons}")
    return [RADIX**i for i in range(k)]


def layer_weights(neurons, layer):
    """Layer `layer` (1-based): neuron j feeds the 32 neurons that differ from j in one base-32 digit."""
    places = place_values(neurons)
    p = places[(layer - 1) % len(places)]
    j = np.arange(neurons)
    digit = (j // p) % RADIX
    rows = np.repeat(j, RADIX)
    cols = (np.repeat(j - digit * p, RADIX) + np.tile(np.arange(RADIX) * p, neurons)).astype(np.int64)
    data = np.full(rows.size, WEIGHT)
    return sp.csr_matrix((data, (rows, cols)), shape=(neurons, neurons))


def inputs(neurons, count, seed):
    """Sparse binary inputs; each row has its own density so that some rows die out and some do not."""
    rng = np.random.default_rng(seed)
    density = rng.uniform(0.02, 0.4, size=count)
    dense = rng.random((count, neurons)) < density[:, None]
    return sp.csr_matrix(dense.astype(np.float64))


def layer(y, w):
    z = (y @ w).tocsr()
    z.data += BIAS  # only on the nonzeros, as the Challenge's reference does
    np.clip(z.data, 0.0, YMAX, out=z.data)
    z.eliminate_zeros()
    return z


def batch_rows(count, batches, b):
    return (b - 1) * count // batches, b * count // batches


def save(path, matrix):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.partial-{os.getpid()}.npz"
    sp.save_npz(tmp, matrix, compressed=False)
    os.replace(tmp, path)


def write_answer(directory, y):
    y = y.tocsr()
    y.sort_indices()
    categories = np.flatnonzero(np.diff(y.indptr) > 0) + 1  # 1-based rows, as the Challenge counts them
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "categories.txt"), "w") as f:
        f.writelines(f"{c}\n" for c in categories)
    h = hashlib.sha256()
    for part in (y.indptr, y.indices, y.data):
        h.update(np.ascontiguousarray(part).tobytes())
    stats = {"rows": y.shape[0], "categories": int(categories.size), "nnz": int(y.nnz), "sha256": h.hexdigest()}
    with open(os.path.join(directory, "stats.json"), "w") as f:
        json.dump(stats, f)
    print(f"openjd_metric: categories={categories.size}")


def prepare(a):
    for l in range(1, a.layers + 1):
        save(os.path.join(a.work, "weights", f"layer_{l:03d}.npz"), layer_weights(a.neurons, l))
    y = inputs(a.neurons, a.inputs, a.seed)
    for b in range(1, a.batches + 1):
        r0, r1 = batch_rows(a.inputs, a.batches, b)
        save(os.path.join(a.work, "inputs", f"batch_{b}.npz"), y[r0:r1])
    print("openjd_progress: 100")


def infer(a):
    src = (
        os.path.join(a.work, "inputs", f"batch_{a.batch}.npz")
        if a.first == 1
        else os.path.join(a.work, "act", f"batch_{a.batch}_L{a.first - 1:03d}.npz")
    )
    y = sp.load_npz(src).tocsr()
    for l in range(a.first, a.last + 1):
        y = layer(y, sp.load_npz(os.path.join(a.work, "weights", f"layer_{l:03d}.npz")).tocsr())
        print(f"openjd_progress: {100 * (l - a.first + 1) / (a.last - a.first + 1):.1f}")
    save(os.path.join(a.work, "act", f"batch_{a.batch}_L{a.last:03d}.npz"), y)


def categories(a):
    parts = [sp.load_npz(os.path.join(a.work, "act", f"batch_{b}_L{a.layers:03d}.npz")) for b in range(1, a.batches + 1)]
    write_answer(a.work, sp.vstack(parts, format="csr"))


def serial(a):
    y = inputs(a.neurons, a.inputs, a.seed)
    for l in range(1, a.layers + 1):
        y = layer(y, layer_weights(a.neurons, l))
    write_answer(a.out, y)


def main():
    p = argparse.ArgumentParser(prog="dnn.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    pr = sub.add_parser("prepare")
    for name in ("neurons", "layers", "inputs", "batches", "seed"):
        pr.add_argument(f"--{name}", type=int, required=True)
    pr.add_argument("--work", required=True)
    inf = sub.add_parser("infer")
    for name in ("batch", "first", "last"):
        inf.add_argument(f"--{name}", type=int, required=True)
    inf.add_argument("--work", required=True)
    c = sub.add_parser("categories")
    for name in ("batches", "layers"):
        c.add_argument(f"--{name}", type=int, required=True)
    c.add_argument("--work", required=True)
    s = sub.add_parser("serial")
    for name in ("neurons", "layers", "inputs", "seed"):
        s.add_argument(f"--{name}", type=int, required=True)
    s.add_argument("--out", required=True)
    a = p.parse_args()
    {"prepare": prepare, "infer": infer, "categories": categories, "serial": serial}[a.cmd](a)


if __name__ == "__main__":
    main()
