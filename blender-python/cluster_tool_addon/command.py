"""The cluster-tool command lines the add-on runs, and what it reads back from them.

No bpy here: the panel's settings arrive as a plain dict, so this is the one place that knows
the CLI's flags. The add-on submits only through the CLI (`deps`, `submit`, `status`, `viewer`);
staging, dependency tracing and planning stay there.
"""

import json
import os
import shutil

CLI_NAME = "cluster-tool"

NOT_FOUND = (
    "cluster-tool was not found on PATH. Install it on this machine (see its README), or set "
    "its path in Edit > Preferences > Add-ons > Cluster Tool > cluster-tool command"
)


def find_cli(configured=""):
    """The cluster-tool executable: the one set in the preferences, else the first on PATH."""
    if configured:
        path = os.path.expanduser(configured)
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    return shutil.which(CLI_NAME)


def not_found_message(configured=""):
    if configured:
        return (
            "cluster-tool command %r (set in the add-on's preferences) is not an executable "
            "file. Fix the path in Edit > Preferences > Add-ons > Cluster Tool" % configured
        )
    return NOT_FOUND


def connection_args(s):
    """Where the CLI sends the job: --cluster NAME (and bucket, region), else a state dir."""
    if s.get("target") == "CLUSTER":
        args = ["--cluster", s["cluster"]]
        if s.get("bucket"):
            args += ["--bucket", s["bucket"]]
        if s.get("region"):
            args += ["--region", s["region"]]
        return args
    if s.get("state_dir"):
        return ["--state-dir", s["state_dir"]]
    return []


def check_settings(s):
    """A problem with the panel's settings, in words, or None."""
    if s.get("target") == "CLUSTER" and not s.get("cluster"):
        return "Name the cluster to send to (Send to: ParallelCluster), or send to this head node"
    if s.get("kind") == "STILL":
        tiles = s.get("tiles", "")
        parts = tiles.lower().split("x")
        if len(parts) != 2 or not all(p.isdigit() and int(p) > 0 for p in parts):
            return "Tiles must be columns x rows, e.g. 4x4 (got %r)" % tiles
    return None


def submit_args(scene_path, s):
    """`cluster-tool submit blender|blender-still SCENE ... --json` for the panel's settings."""
    still = s.get("kind") == "STILL"
    args = ["submit", "blender-still" if still else "blender", scene_path]
    if still:
        args += ["--frame", str(s["frame"]), "--tiles", s["tiles"]]
    else:
        args += ["--frames", s["frames"]]
        if s.get("frame_step", 1) > 1:
            args += ["--frame-step", str(s["frame_step"])]
    if s.get("output"):
        args += ["--output", s["output"]]
    args += ["--nodes", str(s["nodes"]), "--priority", str(s["priority"])]
    if s.get("gpus_per_node", 0) > 0:
        args += ["--gpus-per-node", str(s["gpus_per_node"])]
    if s.get("name"):
        args += ["--name", s["name"]]
    # 0 and "" and "SCENE" mean: as the scene has it (no override).
    if s.get("samples", 0) > 0:
        args += ["--samples", str(s["samples"])]
    if s.get("resolution_percentage", 0) > 0:
        args += ["--resolution-percentage", str(s["resolution_percentage"])]
    if s.get("camera"):
        args += ["--camera", s["camera"]]
    for flag, key in (("--device", "device"), ("--format", "format"), ("--denoiser", "denoiser")):
        if s.get(key, "SCENE") != "SCENE":
            args += [flag, s[key]]
    return args + connection_args(s) + ["--json"]


def deps_args(scene_path):
    return ["deps", scene_path, "--json"]


def status_args(job_id, s):
    return ["status", job_id, "--json"] + connection_args(s)


def viewer_args(job_id, s):
    # Blender opens the link itself (wm.url_open); with --cluster it works inside the DCV session.
    return ["viewer", "--job", job_id] + connection_args(s)


def viewer_url(stdout):
    """The link `cluster-tool viewer` printed, or None."""
    urls = [l.strip() for l in stdout.splitlines() if l.strip().startswith("http")]
    return urls[-1] if urls else None


def error_text(stderr, stdout="", code=None):
    """What the CLI said went wrong, word for word: its `error:` lines, else its last lines."""
    lines = [l.rstrip() for l in stderr.splitlines() if l.strip()]
    start = next((i for i, l in enumerate(lines) if l.startswith("error:")), None)
    if start is not None:
        text = "\n".join(lines[start:])
        return text[len("error:") :].strip()
    if lines:
        return "\n".join(lines[-6:])
    tail = [l for l in stdout.splitlines() if l.strip()][-3:]
    return "\n".join(tail) or "cluster-tool exited with status %s and said nothing" % code


def parse_json(stdout):
    """The JSON document a `--json` verb printed (remote runs may print lines before it)."""
    text = stdout.strip()
    try:
        return json.loads(text)
    except ValueError:
        at = text.find("\n{")
        return json.loads(text[at + 1 :]) if at >= 0 else None


def missing_files(deps):
    """The files `deps --json` found missing, as lines: the data-block, the path, where."""
    return [
        '%s "%s": %s -> %s' % (f["type"], f["name"], f["path"], f["file"])
        for f in deps.get("files", [])
        if not f.get("exists")
    ]


def progress_text(job):
    """One line of a job's state and progress, from `status JOB --json`."""
    p = job.get("progress") or {}
    unit = job.get("unit") if isinstance(job.get("unit"), str) else "done"
    state = "waiting" if job.get("waiting") else job.get("state", "?")
    text = "%s: %s %d/%d %s" % (
        job.get("id", "?"),
        state,
        p.get("done", 0),
        p.get("total", 0),
        unit,
    )
    if p.get("failed"):
        text += ", %d failed" % p["failed"]
    if job.get("error"):
        text += " (%s)" % job["error"]
    return text


def ended(job):
    return job.get("state") not in ("queued", "running")
