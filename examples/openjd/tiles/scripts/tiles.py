#!/usr/bin/env python3
"""Tile -> process -> merge on a generated raster: the steps of template.yaml, and `single`, the
same work in one process, to check that the pipeline's result equals it.

  tiles.py generate --work DIR --width W --height H --tile T --seed S
      writes DIR/raster.npy, one input tile per file under DIR/tiles/ (each with a one-pixel halo
      of its neighbours, edges repeated), DIR/tiles/rows.txt (one tile row per line)
  tiles.py process --work DIR --input DIR/tiles/tile_RRR_CCC.npy
      an integer Sobel edge magnitude of the tile -> DIR/processed/tile_RRR_CCC.npy
  tiles.py merge --axis 0|1 --out FILE --glob PATTERN [--stats]
      concatenates the files PATTERN matches (sorted) along the axis: tiles of a row side by
      side, then the rows top to bottom; --stats also writes result.pgm and stats.json
  tiles.py single --width W --height H --seed S --out FILE
      the whole raster filtered at once
"""

import argparse
import glob
import hashlib
import json
import os
import sys

import numpy as np


def raster(width, height, seed):
    """A deterministic 8-bit image: smooth gradients, discs and noise, so edges are everywhere."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    img = (x * 255 // max(width - 1, 1) + y * 128 // max(height - 1, 1)) % 256
    for _ in range(12):
        cx, cy = rng.integers(0, width), rng.integers(0, height)
        r = rng.integers(4, max(5, min(width, height) // 4))
        img = np.where((x - cx) ** 2 + (y - cy) ** 2 < r * r, rng.integers(0, 256), img)
    img = img + rng.integers(0, 16, size=img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def sobel(padded):
    """Edge magnitude |gx| + |gy| of the interior of an edge-padded int image; integers, so exact."""
    p = padded.astype(np.int64)
    gx = (p[:-2, 2:] + 2 * p[1:-1, 2:] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[1:-1, :-2] + p[2:, :-2])
    gy = (p[2:, :-2] + 2 * p[2:, 1:-1] + p[2:, 2:]) - (p[:-2, :-2] + 2 * p[:-2, 1:-1] + p[:-2, 2:])
    return np.abs(gx) + np.abs(gy)


def save(path, array):
    """Writes through a temporary name so a reader never sees half a file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.partial-{os.getpid()}.npy"
    np.save(tmp, array)
    os.replace(tmp, path)


def generate(a):
    img = raster(a.width, a.height, a.seed)
    save(os.path.join(a.work, "raster.npy"), img)
    padded = np.pad(img, 1, mode="edge")
    rows = range(0, a.height, a.tile)
    cols = range(0, a.width, a.tile)
    for i, r0 in enumerate(rows):
        for j, c0 in enumerate(cols):
            r1, c1 = min(r0 + a.tile, a.height), min(c0 + a.tile, a.width)
            save(os.path.join(a.work, "tiles", f"tile_{i:03d}_{j:03d}.npy"), padded[r0 : r1 + 2, c0 : c1 + 2])
    with open(os.path.join(a.work, "tiles", "rows.txt"), "w") as f:
        f.writelines(f"{i:03d}\n" for i in range(len(rows)))
    print(f"openjd_metric: tiles={len(rows) * len(cols)}")
    print("openjd_progress: 100")


def process(a):
    name = os.path.basename(a.input)
    save(os.path.join(a.work, "processed", name), sobel(np.load(a.input)))
    print(f"openjd_status: filtered {name}")


def merge(a):
    files = sorted(glob.glob(a.glob))
    if not files:
        print(f"openjd_fail: nothing matches {a.glob}")
        sys.exit(1)
    out = np.concatenate([np.load(f) for f in files], axis=a.axis)
    save(a.out, out)
    if a.stats:
        write_stats(out, os.path.dirname(a.out))
    print(f"openjd_metric: merged_inputs={len(files)}")


def write_stats(out, directory):
    top = max(int(out.max()), 1)
    with open(os.path.join(directory, "result.pgm"), "wb") as f:
        f.write(f"P5 {out.shape[1]} {out.shape[0]} 255\n".encode())
        f.write((out * 255 // top).astype(np.uint8).tobytes())
    stats = {"shape": list(out.shape), "sum": int(out.sum()), "sha256": hashlib.sha256(out.tobytes()).hexdigest()}
    with open(os.path.join(directory, "stats.json"), "w") as f:
        json.dump(stats, f)


def single(a):
    out = sobel(np.pad(raster(a.width, a.height, a.seed), 1, mode="edge"))
    save(a.out, out)
    write_stats(out, os.path.dirname(a.out))


def main():
    p = argparse.ArgumentParser(prog="tiles.py")
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    for name in ("width", "height", "tile", "seed"):
        g.add_argument(f"--{name}", type=int, required=True)
    g.add_argument("--work", required=True)
    pr = sub.add_parser("process")
    pr.add_argument("--work", required=True)
    pr.add_argument("--input", required=True)
    m = sub.add_parser("merge")
    m.add_argument("--axis", type=int, choices=(0, 1), required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--glob", required=True)
    m.add_argument("--stats", action="store_true")
    s = sub.add_parser("single")
    for name in ("width", "height", "seed"):
        s.add_argument(f"--{name}", type=int, required=True)
    s.add_argument("--out", required=True)
    a = p.parse_args()
    {"generate": generate, "process": process, "merge": merge, "single": single}[a.cmd](a)


if __name__ == "__main__":
    main()
