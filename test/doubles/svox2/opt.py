#!/usr/bin/env python3
# TEST DOUBLE for svox2's opt/opt.py (sxyu/svox2), the Plenoxels trainer. It needs no GPU, torch
# or data: it parses its arguments with argparse and the same option names, types and choices
# as the real one (so it rejects what the real one rejects), merges the -c JSON config the same
# way, and writes what the real one writes into the train dir: args.json, time_mins.txt (append)
# and ckpt.npz (unless --tune_nosave), printing `eval stats: {...}` lines as it "trains".
# Env: SVOX2_DOUBLE_PSNR (final PSNR, default from the args), SVOX2_DOUBLE_LOG, SVOX2_DOUBLE_FAIL_ONCE.
import argparse
import json
import os
import sys
import zlib
from os import path

from common_args import define_common_args, maybe_fail_once, maybe_merge_config_file, record

parser = argparse.ArgumentParser()
define_common_args(parser)
g = parser.add_argument_group("general")
g.add_argument("--train_dir", "-t", type=str, default="ckpt")
g.add_argument("--reso", type=str, default="[[256, 256, 256], [512, 512, 512]]")
INTS = {"upsamp_every": 38400, "init_iters": 0, "basis_reso": 32, "sh_dim": 9, "mlp_posenc_size": 4,
        "mlp_width": 32, "background_nlayers": 0, "background_reso": 512, "n_iters": 128000,
        "batch_size": 5000, "lr_sigma_decay_steps": 250000, "lr_sigma_delay_steps": 15000,
        "lr_sh_decay_steps": 250000, "lr_sh_delay_steps": 0, "lr_sigma_bg_decay_steps": 250000,
        "lr_sigma_bg_delay_steps": 0, "lr_color_bg_decay_steps": 250000, "lr_color_bg_delay_steps": 0,
        "lr_basis_decay_steps": 250000, "lr_basis_delay_steps": 0, "lr_basis_begin_step": 0,
        "print_every": 20, "save_every": 5, "eval_every": 1, "max_grid_elements": 44_000_000,
        "tv_early_only": 1, "tv_contiguous": 1, "n_train": None}
FLOATS = {"upsample_density_add": 0.0, "lr_sigma": 3e1, "lr_sigma_final": 5e-2, "lr_sigma_delay_mult": 1e-2,
          "lr_sh": 1e-2, "lr_sh_final": 5e-6, "lr_sh_delay_mult": 1e-2, "lr_sigma_bg": 3e0,
          "lr_sigma_bg_final": 3e-3, "lr_sigma_bg_delay_mult": 1e-2, "lr_color_bg": 1e-1,
          "lr_color_bg_final": 5e-6, "lr_color_bg_delay_mult": 1e-2, "lr_basis": 1e-6,
          "lr_basis_final": 1e-6, "lr_basis_delay_mult": 1e-2, "rms_beta": 0.95, "init_sigma": 0.1,
          "init_sigma_bg": 0.1, "weight_thresh": 0.0005 * 512, "density_thresh": 5.0,
          "background_density_thresh": 1.0 + 1e-9, "lambda_tv": 1e-5, "tv_sparsity": 0.01,
          "lambda_tv_sh": 1e-3, "tv_sh_sparsity": 0.01, "lambda_tv_lumisphere": 0.0,
          "tv_lumisphere_sparsity": 0.01, "tv_lumisphere_dir_factor": 0.0, "lambda_l2_sh": 0.0,
          "lambda_sparsity": 0.0, "lambda_beta": 0.0, "lambda_tv_background_sigma": 1e-2,
          "lambda_tv_background_color": 1e-2, "tv_background_sparsity": 0.01, "lambda_tv_basis": 0.0,
          "weight_decay_sigma": 1.0, "weight_decay_sh": 1.0}
for name, default in INTS.items():
    g.add_argument("--" + name, type=int, default=default)
for name, default in FLOATS.items():
    g.add_argument("--" + name, type=float, default=default)
g.add_argument("--basis_type", choices=["sh", "3d_texture", "mlp"], default="sh")
for name in ["sigma_optim", "sh_optim", "bg_optim", "basis_optim"]:
    g.add_argument("--" + name, choices=["sgd", "rmsprop"], default="rmsprop")
g.add_argument("--thresh_type", choices=["weight", "sigma"], default="weight")
for name in ["tune_mode", "tune_nosave", "tv_logalpha"]:
    g.add_argument("--" + name, action="store_true", default=False)
g.add_argument("--lr_decay", action="store_true", default=True)

record("opt.py", sys.argv[1:])
args = parser.parse_args()
maybe_merge_config_file(args)
assert args.lr_sigma_final <= args.lr_sigma, "lr_sigma must be >= lr_sigma_final"
assert args.lr_sh_final <= args.lr_sh, "lr_sh must be >= lr_sh_final"
json.loads(args.reso)  # the real one parses --reso as JSON and fails here on a bad value
if not path.isdir(args.data_dir):
    sys.exit(f"opt.py (test double): data dir {args.data_dir} does not exist")
maybe_fail_once("opt.py")

os.makedirs(args.train_dir, exist_ok=True)
with open(path.join(args.train_dir, "args.json"), "w") as f:
    json.dump(args.__dict__, f, indent=2)
seed = zlib.crc32(" ".join(sys.argv[1:]).encode()) % 1000
final = float(os.environ.get("SVOX2_DOUBLE_PSNR", 25 + seed / 100))
print("Render options (test double)")
for k, psnr in enumerate([final - 4.0, final - 1.5, final]):
    print("Eval step")
    print("eval stats:", {"psnr": psnr, "mse": 10 ** (-psnr / 10)})
print("* Final eval and save")
with open(path.join(args.train_dir, "time_mins.txt"), "a") as f:
    f.write(f"{1.5 + seed / 1000}\n")
if not args.tune_nosave:
    with open(path.join(args.train_dir, "ckpt.npz"), "w") as f:
        json.dump({"test_double": True, "data_dir": args.data_dir}, f)
