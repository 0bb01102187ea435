"""Persistent Blender render worker for cluster-tool agents.

Started as
    blender -b --factory-startup SCENE.blend -t THREADS -P blender-python/worker.py -- \
        [--device auto|cpu|gpu] [--scene SCENE.blend]

It keeps the scene loaded and reads one JSON request per line on stdin:
    {"id": 1, "op": "configure", "overrides": {"resolution_percentage": 50, "samples": 64,
     "camera": "CamB", "device": "auto|cpu|gpu", "format": "PNG|JPEG|OPEN_EXR|OPEN_EXR_MULTILAYER",
     "color_depth": "8|16|32", "denoiser": "none|OPENIMAGEDENOISE|OPTIX"}}
                                              (each key optional; every configure starts from the
                                               scene as loaded, so {} puts it back)
    {"id": 2, "frame": 12, "output": "/abs/dir/frame_0012.png"}            (op "render" implied)
        optional: "format", "color_depth" (default: the configured ones, else PNG at 8 bits),
        "color_mode": "RGB|RGBA", "border": {"min_x", "max_x", "min_y", "max_y"} (0..1, Blender's
        render border; the image is cropped to it: one tile of a still)
    {"id": 3, "op": "merge", "output": "/abs/still.png", "width": W, "height": H,
     "tiles": [{"file": "/abs/tile.exr", "x": 0, "y": 0, "width": w, "height": h,
                "core": [x0, y0, x1, y1]}], "format": ..., "color_depth": ...}
        stitches float EXR tiles (x, y: the tile's bottom-left pixel in the full image, y up;
        core: the pixels taken from it) and saves with the scene's colour management
    {"id": 4, "op": "view", "matrix": [[4x4 camera-to-world]], "output": "/abs/dir/r_0.png"}
    {"id": 5, "op": "deps"}                 (every file the scene needs: ct_deps.py)
    {"op": "quit"}
and answers one line per request on stdout, `@@CT@@ ` followed by JSON:
    {"type": "ready", "scene": {...}, "device": {...}, "denoising": {...}, ...}   (once, at start)
    {"type": "configured", "id": 1, "applied": {...}, "device": {...}, "scene": {...}}
    {"type": "result", "id": 2, "frame": 12, "output": "...", "seconds": 0.41, "device": "CPU",
     "format": "PNG", "color_depth": "8"}
    {"type": "merged", "id": 3, "output": "...", "seconds": 0.1, "resolution": [W, H]}
    {"type": "view", "id": 4, "output": "...", "matrix_world": [[...]], "camera_angle_x": 0.69,
     "angle_x": 0.69, "resolution": [w, h], "seconds": 0.4, "device": "CPU"}
    {"type": "deps", "id": 5, "files": [{"type": "image", "name": ..., "library": ..., "path": ...,
     "file": ..., "exists": true, "size": 123}]}
    {"type": "error", "id": 1, "frame": 12, "error": "...", "log_tail": ["..."]}
    {"type": "fatal", "error": "..."}   (then exits 1)
    {"type": "bye"}                     (on EOF or quit, then exits 0)

Every image is written whole: to a hidden `.partial-PID-*` file beside its output, then renamed.
Only protocol lines go to the real stdout: fd 1 is pointed at stderr right away, so everything
Blender and Python print lands on stderr and can never split a protocol line.
"""

import argparse
import ctypes
import json
import math
import os
import signal
import sys
import tempfile
import time
import traceback

import bpy
from mathutils import Matrix

# The helpers beside this file; no .pyc written next to them (the scripts sit on shared storage).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ct_denoise  # noqa: E402
import ct_deps  # noqa: E402
import ct_overrides  # noqa: E402
import ct_remap  # noqa: E402
import ct_tiles  # noqa: E402

PREFIX = "@@CT@@ "
FORMATS = ct_overrides.FORMATS
TAIL_LINES = 40

_libc = ctypes.CDLL(None)
_proto = None  # file object on the original stdout


def init_protocol_stream():
    global _proto
    sys.stdout.flush()
    _libc.fflush(None)
    _proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    # C stdout into a pipe is block-buffered: make Blender's progress lines arrive as printed,
    # so the agent's log tail is current when a render hangs or dies.
    c_stdout = ctypes.c_void_p.in_dll(_libc, "stdout")
    _libc.setvbuf(c_stdout, None, 1, 0)  # 1 = _IOLBF


def send(obj):
    _proto.write(PREFIX + json.dumps(obj) + "\n")
    _proto.flush()


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    p = argparse.ArgumentParser(prog="worker.py")
    p.add_argument("--device", choices=("auto", "cpu", "gpu"), default="auto")
    p.add_argument("--scene", help="expected .blend path; guards against a scene that did not load")
    return p.parse_args(argv)


def visible_gpus_requested():
    value = os.environ.get("CUDA_VISIBLE_DEVICES")
    # An empty value, -1 or NoDevFiles is how Slurm and CUDA spell "no GPU for you".
    return value is not None and value.strip() not in ("", "-1", "NoDevFiles")


def choose_device(scene, mode):
    """Puts Cycles on the agent's GPU when it has one, else on the CPU; returns what it chose."""
    if scene.render.engine != "CYCLES":
        return {"type": "NONE", "names": [], "reason": f"engine {scene.render.engine} is not Cycles"}
    prefs = bpy.context.preferences.addons["cycles"].preferences
    tried = []
    if mode == "gpu" or (mode == "auto" and visible_gpus_requested()):
        for kind in ("OPTIX", "CUDA"):
            try:
                prefs.compute_device_type = kind
                prefs.get_devices()
            except TypeError:  # the enum lacks it: this Blender was built without it
                tried.append(f"{kind}: not in this Blender build")
                continue
            except (ValueError, RuntimeError) as err:
                tried.append(f"{kind}: {err}")
                continue
            gpus = [d for d in prefs.devices if d.type == kind]
            if not gpus:
                tried.append(f"{kind}: no device")
                continue
            for d in prefs.devices:
                d.use = d.type == kind  # no CPU+GPU hybrid: the CPU threads belong to other slots
            scene.cycles.device = "GPU"
            return {"type": kind, "names": [d.name for d in gpus], "reason": "GPU found"}
        if mode == "gpu":
            raise RuntimeError("--device gpu but no CUDA/OptiX device: " + "; ".join(tried))
    prefs.compute_device_type = "NONE"
    scene.cycles.device = "CPU"
    why = "CUDA_VISIBLE_DEVICES not set" if not tried and mode == "auto" else "; ".join(tried)
    return {"type": "CPU", "names": ["CPU"], "reason": why or "asked for CPU"}


def scene_info(scene):
    r = scene.render
    return {
        "name": scene.name,
        "file": bpy.data.filepath,
        "fps": r.fps,
        "fps_base": r.fps_base,
        "frame_start": scene.frame_start,
        "frame_end": scene.frame_end,
        "frame_step": scene.frame_step,
        "resolution_x": r.resolution_x,
        "resolution_y": r.resolution_y,
        "resolution_percentage": r.resolution_percentage,
        "engine": r.engine,
        "threads": r.threads,
        "output_path": r.filepath,
        "file_format": r.image_settings.file_format,
        "color_depth": r.image_settings.color_depth,
        "use_border": r.use_border,
        # The Blender that saved the file (its header's version) and this one: a newer file may
        # render wrong here.
        "saved_by": "%d.%d" % tuple(bpy.data.version[:2]),
        "blender_version": bpy.app.version_string,
        **ct_overrides.camera_info(scene),
        **ct_overrides.samples_info(scene),
    }


def write_whole(output, suffix, write):
    """Calls `write(partial)` for a hidden partial file beside `output` and renames it into place,
    so a killed render leaves no half-written image. Returns the seconds `write` took."""
    os.makedirs(os.path.dirname(output), exist_ok=True)
    # The pid in the name lets the agent remove what a killed worker left, and only that.
    prefix = f".partial-{os.getpid()}-"
    fd, partial = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=os.path.dirname(output))
    os.close(fd)
    try:
        start = time.perf_counter()
        write(partial)
        seconds = time.perf_counter() - start
        if os.path.getsize(partial) == 0:
            raise RuntimeError("Blender reported success but wrote no image")
        os.replace(partial, output)
        return seconds
    finally:
        if os.path.exists(partial):
            os.unlink(partial)


def render_still(scene, output, suffix):
    """Renders the current frame to `output`, written whole; returns the seconds it took."""

    r = scene.render
    saved = (r.filepath, r.use_file_extension)

    def write(partial):
        r.use_file_extension = False
        r.filepath = partial
        bpy.ops.render.render(write_still=True)

    try:
        return write_whole(output, suffix, write)
    finally:
        r.filepath, r.use_file_extension = saved  # the scene's own output path, for scene_info


def render_frame(scene, settings, req):
    """Renders one frame (or one bordered tile of it) as the request says; returns the result."""
    frame, output, fmt, depth, mode, border = check_request(req, settings)
    scene.frame_set(frame)
    settings.after_frame_set()
    settings.set_image(fmt, depth, mode)
    with ct_tiles.bordered(scene.render, border):
        seconds = render_still(scene, output, FORMATS[fmt])
    image = scene.render.image_settings
    result = {"frame": frame, "output": output, "seconds": round(seconds, 4),
              "format": image.file_format, "color_depth": image.color_depth}
    thumb = req.get("thumb")
    # 8-bit frames only: Blender reads them back as they are; others (EXR, 16-bit) need their
    # colours mapped for a JPEG, which the agent leaves to ffmpeg.
    if isinstance(thumb, dict) and image.file_format in ("PNG", "JPEG") and image.color_depth == "8":
        try:
            result["thumb"] = write_thumbnail(output, str(thumb["output"]), int(thumb["width"]))
        except Exception as err:  # a missing thumbnail must not cost the frame
            result["thumb_error"] = f"{type(err).__name__}: {err}"
    return result


def write_thumbnail(frame_file, output, width):
    """A JPEG `width` pixels wide (even height) of an 8-bit frame Blender just wrote, written
    whole; in this process it costs milliseconds, where a program started per frame costs a
    tenth of a second or more."""
    img = bpy.data.images.load(frame_file, check_existing=False)
    try:
        w, h = img.size
        if w <= 0 or h <= 0:
            raise RuntimeError("the frame has no pixels")
        img.scale(width, max(2, int(round(h * width / w / 2)) * 2))
        img.file_format = "JPEG"

        def write(partial):
            img.filepath_raw = partial
            img.save()

        write_whole(output, ".jpg", write)
        return output
    finally:
        bpy.data.images.remove(img)


def merge_still(scene, settings, req):
    output = req.get("output")
    if not isinstance(output, str) or not os.path.isabs(output):
        raise ValueError("output must be an absolute path")
    fmt, depth = settings.image_for(req.get("format"), req.get("color_depth"))
    width, height, tiles = ct_tiles.check_merge(req)
    start = time.perf_counter()
    pixels = ct_tiles.merge_tiles(width, height, tiles)
    settings.set_image(fmt, depth, req.get("color_mode"))
    write_whole(output, FORMATS[fmt], lambda partial: ct_tiles.save_merged(scene, pixels, width, height, partial))
    return {"output": output, "seconds": round(time.perf_counter() - start, 4), "resolution": [width, height]}


VIEW_CAMERA = "ct-view-camera"


def view_camera(scene):
    """A camera of our own for views: the scene camera's lens without its parent, constraints or
    animation, any of which would move it away from the matrix asked for."""
    cam = bpy.data.objects.get(VIEW_CAMERA)
    if cam is None:
        src = scene.camera
        data = src.data if src is not None and src.type == "CAMERA" else bpy.data.cameras.new(VIEW_CAMERA)
        cam = bpy.data.objects.new(VIEW_CAMERA, data)
        scene.collection.objects.link(cam)
    return cam


def horizontal_fov(scene, data):
    """The horizontal field of view of the rendered image, whichever way the sensor is fitted."""
    r = scene.render
    w = r.resolution_x * r.pixel_aspect_x
    h = r.resolution_y * r.pixel_aspect_y
    fit = data.sensor_fit
    if fit == "AUTO":
        if w >= h:
            return data.angle_x
        fov_y = 2 * math.atan(data.sensor_width / (2 * data.lens))
    elif fit == "HORIZONTAL":
        return data.angle_x
    else:
        fov_y = data.angle_y
    return 2 * math.atan(math.tan(fov_y / 2) * w / h)


def check_view(req):
    matrix, output = req.get("matrix"), req.get("output")
    ok = isinstance(matrix, list) and len(matrix) == 4 and all(
        isinstance(row, list) and len(row) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in row)
        for row in matrix
    )
    if not ok:
        raise ValueError("matrix must be 4 rows of 4 finite numbers")
    if not isinstance(output, str) or not os.path.isabs(output) or not output.lower().endswith(".png"):
        raise ValueError("output must be an absolute .png path")
    return matrix, output


def render_view(scene, matrix, output):
    """Renders the view camera at `matrix` (camera-to-world) to an RGBA PNG with a transparent
    film, as NeRF-synthetic is; restores the scene's camera and image settings afterwards."""
    cam = view_camera(scene)
    if cam.data.type != "PERSP":
        raise ValueError(f"views need a perspective camera (the scene camera is {cam.data.type})")
    r, settings = scene.render, scene.render.image_settings
    saved = (scene.camera, r.film_transparent, settings.file_format, settings.color_mode, settings.color_depth)
    try:
        cam.matrix_world = Matrix(matrix)
        scene.camera = cam
        bpy.context.view_layer.update()
        r.film_transparent = True
        settings.file_format = "PNG"
        settings.color_mode = "RGBA"
        settings.color_depth = "8"
        seconds = render_still(scene, output, ".png")
        pct = r.resolution_percentage / 100
        return {
            "output": output,
            "matrix_world": [list(row) for row in cam.matrix_world],
            "camera_angle_x": horizontal_fov(scene, cam.data),
            "angle_x": cam.data.angle_x,
            "resolution": [round(r.resolution_x * pct), round(r.resolution_y * pct)],
            "seconds": round(seconds, 4),
        }
    finally:
        scene.camera, r.film_transparent = saved[0], saved[1]
        settings.file_format, settings.color_mode, settings.color_depth = saved[2], saved[3], saved[4]


def check_request(req, settings):
    frame, output = req.get("frame"), req.get("output")
    if not isinstance(frame, int) or isinstance(frame, bool):
        raise ValueError("frame must be an integer")
    if not isinstance(output, str) or not os.path.isabs(output):
        raise ValueError("output must be an absolute path")
    fmt, depth = settings.image_for(req.get("format"), req.get("color_depth"))
    ct_overrides.check_image(fmt, depth)
    mode = req.get("color_mode")
    if mode not in (None, "RGB", "RGBA"):
        raise ValueError("color_mode must be RGB or RGBA")
    border = req.get("border")
    return frame, output, fmt, depth, mode, None if border is None else ct_tiles.check_border(border)


def configure(scene, settings, req, device, start_mode):
    """Applies the request's overrides (from the scene as loaded); returns the answer's fields."""
    overrides = req.get("overrides", {})
    if not isinstance(overrides, dict):
        raise ValueError("overrides must be a JSON object")
    mode = overrides.get("device") or start_mode
    if mode not in ("auto", "cpu", "gpu"):
        raise ValueError("device must be auto, cpu or gpu")
    try:
        applied = settings.apply(overrides)
        chosen = choose_device(scene, mode)
    except Exception:
        # Never half-configured: a failed configure leaves the scene as loaded, on the device
        # the worker started with.
        settings.reset()
        device.clear()
        device.update(choose_device(scene, start_mode))
        raise
    device.clear()
    device.update(chosen)
    if overrides.get("device"):
        applied["device"] = mode
    return {"applied": applied, "device": dict(device), "scene": scene_info(scene)}


def serve(scene, device, start_mode, denoising):
    settings = ct_overrides.SceneSettings(scene, denoising)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req, req_id = None, None
        try:
            req = json.loads(line)
            if not isinstance(req, dict):
                raise ValueError("request must be a JSON object")
            req_id = req.get("id")
            if req.get("op") == "quit":
                return
            if req.get("op") == "view":
                matrix, output = check_view(req)
                view = render_view(scene, matrix, output)
                send({"type": "view", "id": req_id, **view, "device": device["type"]})
                continue
            if req.get("op") == "configure":
                send({"type": "configured", "id": req_id, **configure(scene, settings, req, device, start_mode)})
                continue
            if req.get("op") == "deps":
                send({"type": "deps", "id": req_id, "files": ct_deps.scene_dependencies(scene)})
                continue
            if req.get("op") == "merge":
                send({"type": "merged", "id": req_id, **merge_still(scene, settings, req)})
                continue
            if req.get("op") not in (None, "render"):
                raise ValueError(f"unknown op {req.get('op')!r}")
            result = render_frame(scene, settings, req)
            send({"type": "result", "id": req_id, **result, "device": device["type"]})
        except Exception as err:  # one bad frame must not take the worker down
            send({"type": "error", "id": req_id, "frame": req.get("frame") if isinstance(req, dict) else None,
                  "error": f"{type(err).__name__}: {err}",
                  "log_tail": traceback.format_exc().splitlines()[-TAIL_LINES:]})


PR_SET_PDEATHSIG = 1


def die_with_parent():
    """The agent that started this Blender owns it: if the agent dies (SIGKILL included), the
    kernel kills Blender too, instead of leaving it rendering for nobody."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The agent may have died while the scene loaded, before the line above ran.
    expected = os.environ.get("CT_PARENT_PID", "")
    if expected.isdigit() and int(expected) != os.getppid():
        os._exit(1)


def main():
    die_with_parent()
    init_protocol_stream()
    try:
        args = parse_args()
        if not bpy.data.filepath:
            raise RuntimeError("no .blend file is loaded; pass the scene before -P")
        if args.scene and os.path.realpath(args.scene) != os.path.realpath(bpy.data.filepath):
            raise RuntimeError(f"loaded {bpy.data.filepath}, expected {args.scene}")
        # A scene staged with --cluster: its absolute paths point into the staged shot.
        ct_remap.apply(bpy.data.filepath)
        scene = bpy.context.scene
        # A denoiser this Blender lacks would fail every frame: off until a job chooses one.
        denoising = ct_denoise.Denoising(scene)
        denoising.start()
        device = choose_device(scene, args.device)
    except Exception as err:
        send({"type": "fatal", "error": f"{type(err).__name__}: {err}"})
        sys.stdout.flush()
        os._exit(1)
    send({"type": "ready", "pid": os.getpid(), "blender": bpy.app.version_string,
          "scene": scene_info(scene), "device": device, "denoising": denoising.facts()})
    serve(scene, device, args.device, denoising)
    send({"type": "bye"})
    sys.stdout.flush()
    _libc.fflush(None)
    # os._exit skips Blender's own teardown, which would otherwise print and take ~0.3 s.
    os._exit(0)


main()
