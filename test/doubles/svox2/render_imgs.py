#!/usr/bin/env python3
# TEST DOUBLE for svox2's opt/render_imgs.py (sxyu/svox2), which renders a trained Plenoxels
# grid. No GPU or torch: argparse with the real option names, the same checkpoint lookup and
# render-dir naming, and the files the real one writes: <render_dir>/psnr.txt, ssim.txt,
# lpips.txt (unless --no_lpips) and <render_dir>.mp4 (unless --no_vid); --render_path renders
# the trajectory into test_renders_path with no metrics. Env as for opt.py's double.
import argparse
import os
import sys
from os import path

from common_args import define_common_args, maybe_fail_once, maybe_merge_config_file, record

parser = argparse.ArgumentParser()
parser.add_argument("ckpt", type=str)
define_common_args(parser, near_clip=False)
parser.add_argument("--n_eval", "-n", type=int, default=100000)
for name in ["train", "render_path", "timing", "no_lpips", "no_vid", "no_imsave", "nofg", "nobg",
             "blackbg", "ray_len"]:
    parser.add_argument("--" + name, action="store_true", default=False)
parser.add_argument("--fps", type=int, default=30)
for name, default in [("xy_shrink", 1.0), ("z_shift", 0.0), ("near_clip", 0.0), ("crop", 1.0)]:
    parser.add_argument("--" + name, type=float, default=default)

record("render_imgs.py", sys.argv[1:])
args = parser.parse_args()
maybe_merge_config_file(args, allow_invalid=True)
if not path.isfile(args.ckpt):
    args.ckpt = path.join(args.ckpt, "ckpt.npz")
if not path.isfile(args.ckpt):
    sys.exit(f"render_imgs.py (test double): no checkpoint at {args.ckpt}")
if not path.isdir(args.data_dir):
    sys.exit(f"render_imgs.py (test double): data dir {args.data_dir} does not exist")
maybe_fail_once("render_imgs.py")

render_dir = path.join(path.dirname(args.ckpt), "train_renders" if args.train else "test_renders")
want_metrics = True
if args.render_path:
    assert not args.train
    render_dir += "_path"
    want_metrics = False
if args.z_shift != 0:
    render_dir += f"_zshift{args.z_shift}"
if args.near_clip != 0:
    render_dir += f"_nclip{args.near_clip}"
print("Writing to", render_dir)
os.makedirs(render_dir, exist_ok=True)
psnr = float(os.environ.get("SVOX2_DOUBLE_PSNR", 31.25))
if want_metrics:
    print("AVERAGES")
    with open(path.join(render_dir, "psnr.txt"), "w") as f:
        f.write(str(psnr))
    print("PSNR:", psnr)
    if not args.timing:
        with open(path.join(render_dir, "ssim.txt"), "w") as f:
            f.write(str(0.95))
        if not args.no_lpips:
            with open(path.join(render_dir, "lpips.txt"), "w") as f:
                f.write(str(0.05))
if not args.no_vid and not args.timing:
    with open(render_dir + ".mp4", "wb") as f:
        f.write(b"\x00\x00\x00\x18ftypmp42 test double")
