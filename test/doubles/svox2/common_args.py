# Test double support for svox2's util/config_util.py (sxyu/svox2, opt/util/config_util.py):
# the arguments opt.py and render_imgs.py share, with the same names, types and choices, and
# the JSON config merge that rejects unknown keys. Used only by the doubles next to it.
import json

DATASETS = ["nerf", "llff", "nsvf", "co3d", "auto"]


def define_common_args(parser, near_clip=True):
    parser.add_argument("data_dir", type=str)
    parser.add_argument("--config", "-c", type=str, default=None)
    g = parser.add_argument_group("Data loading")
    g.add_argument("--dataset_type", choices=DATASETS + ["auto"], default="auto")
    for name, typ, default in [
        ("scene_scale", float, None), ("scale", float, None), ("seq_id", int, 1000),
        ("epoch_size", int, 12800), ("white_bkgd", bool, True), ("llffhold", int, 8),
        ("normalize_by_bbox", bool, False), ("data_bbox_scale", float, 1.2),
        ("cam_scale_factor", float, 0.95), ("normalize_by_camera", bool, True),
    ]:
        g.add_argument("--" + name, type=typ, default=default)
    g.add_argument("--perm", action="store_true", default=False)
    g = parser.add_argument_group("Render options")
    for name, default in [("step_size", 0.5), ("sigma_thresh", 1e-8), ("stop_thresh", 1e-7),
                          ("background_brightness", 1.0), ("random_sigma_std", 0.0),
                          ("random_sigma_std_background", 0.0)]:
        g.add_argument("--" + name, type=float, default=default)
    g.add_argument("--renderer_backend", "-B", choices=["cuvol", "svox1", "nvol"], default="cuvol")
    if near_clip:
        g.add_argument("--near_clip", type=float, default=0.0)
    for name in ["use_spheric_clip", "enable_random", "last_sample_opaque"]:
        g.add_argument("--" + name, action="store_true", default=False)


def maybe_merge_config_file(args, allow_invalid=False):
    if args.config is not None:
        with open(args.config, "r") as f:  # relative to the cwd, svox2's opt/ directory
            configs = json.load(f)
        invalid = sorted(set(configs.keys()) - set(dir(args)))
        if invalid and not allow_invalid:
            raise ValueError(f"Invalid args {invalid} in {args.config}.")
        args.__dict__.update(configs)


def record(program, argv):
    """Appends one JSON line about this call to $SVOX2_DOUBLE_LOG, for tests to read."""
    import os
    log = os.environ.get("SVOX2_DOUBLE_LOG")
    if log:
        with open(log, "a") as f:
            f.write(json.dumps({"program": program, "argv": argv, "cwd": os.getcwd(),
                                "gpu": os.environ.get("CUDA_VISIBLE_DEVICES")}) + "\n")


def maybe_fail_once(program):
    """Fails the first call while $SVOX2_DOUBLE_FAIL_ONCE names a marker file that is absent."""
    import os, sys
    marker = os.environ.get("SVOX2_DOUBLE_FAIL_ONCE")
    if marker and not os.path.exists(marker):
        open(marker, "w").close()
        print(f"{program} (test double): failing once on purpose ({marker})", file=sys.stderr)
        sys.exit(3)
