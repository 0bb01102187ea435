"""Tiles of one still: the render border of a tile, and stitching float EXR tiles into the image.

The tiles hold the render's scene-linear floats; the merged image is saved with the scene's own
colour management and dither through `Image.save_render`, so it is what a single render of the
frame would have written. Pixels are copied with array slices (Blender need not bundle numpy).
Coordinates are Blender's: x to the right, y up, (0, 0) the bottom-left pixel.
"""

import array
import contextlib
import math
import time

import bpy


def _int(value, what):
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{what} must be a whole number, 0 or more")
    return value


def check_merge(req):
    """Reads and checks a merge request; returns (width, height, tiles)."""
    width, height = _int(req.get("width"), "width"), _int(req.get("height"), "height")
    if width == 0 or height == 0:
        raise ValueError("width and height must be 1 or more")
    tiles = req.get("tiles")
    if not isinstance(tiles, list) or not tiles:
        raise ValueError("tiles must be a non-empty list")
    out = []
    for i, t in enumerate(tiles):
        if not isinstance(t, dict) or not isinstance(t.get("file"), str):
            raise ValueError(f"tile {i} needs a file")
        x, y = _int(t.get("x"), f"tile {i} x"), _int(t.get("y"), f"tile {i} y")
        w, h = _int(t.get("width"), f"tile {i} width"), _int(t.get("height"), f"tile {i} height")
        core = t.get("core")
        if not isinstance(core, list) or len(core) != 4:
            raise ValueError(f"tile {i} core must be [x0, y0, x1, y1]")
        x0, y0, x1, y1 = (_int(v, f"tile {i} core") for v in core)
        if not (x <= x0 < x1 <= x + w and y <= y0 < y1 <= y + h and x1 <= width and y1 <= height):
            raise ValueError(f"tile {i} core {core} is not inside the tile and the image")
        out.append({"file": t["file"], "x": x, "y": y, "width": w, "height": h, "core": (x0, y0, x1, y1)})
    check_cover(out, width, height)
    return width, height, out


def check_cover(tiles, width, height):
    """The cores must cover the image once: no gap, no pixel taken from two tiles."""
    area = sum((t["core"][2] - t["core"][0]) * (t["core"][3] - t["core"][1]) for t in tiles)
    for i, a in enumerate(tiles):
        for b in tiles[i + 1 :]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["core"], b["core"]
            if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1:
                raise ValueError(f"the cores of {a['file']} and {b['file']} overlap")
    if area != width * height:
        raise ValueError(f"the tile cores cover {area} pixels of {width * height}")


def load_pixels(path, width, height):
    img = bpy.data.images.load(path, check_existing=False)
    try:
        if tuple(img.size) != (width, height):
            raise ValueError(f"{path} is {tuple(img.size)} pixels, expected {(width, height)}")
        buf = array.array("f", bytes(4 * width * height * 4))
        img.pixels.foreach_get(buf)  # always RGBA floats, rows bottom-up
        return buf
    finally:
        bpy.data.images.remove(img)


def merge_tiles(width, height, tiles):
    """The full image as RGBA floats, bottom-up rows."""
    full = array.array("f", bytes(4 * width * height * 4))
    for t in tiles:
        px = load_pixels(t["file"], t["width"], t["height"])
        x0, y0, x1, y1 = t["core"]
        for y in range(y0, y1):
            src = ((y - t["y"]) * t["width"] + (x0 - t["x"])) * 4
            dst = (y * width + x0) * 4
            full[dst : dst + (x1 - x0) * 4] = px[src : src + (x1 - x0) * 4]
    return full


def save_merged(scene, pixels, width, height, path):
    """Writes `pixels` to `path` with the scene's image settings and colour management."""
    img = bpy.data.images.new("ct-merge", width, height, alpha=True, float_buffer=True)
    try:
        img.pixels.foreach_set(pixels)
        start = time.perf_counter()
        img.save_render(path, scene=scene)
        return time.perf_counter() - start
    finally:
        bpy.data.images.remove(img)


def check_border(border):
    """A render border {min_x, max_x, min_y, max_y}, fractions of the image, min below max."""
    keys = ("min_x", "max_x", "min_y", "max_y")
    if not isinstance(border, dict) or set(border) != set(keys):
        raise ValueError(f"border must have exactly {list(keys)}")
    for k in keys:
        v = border[k]
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or not 0 <= v <= 1:
            raise ValueError(f"border {k} must be a number from 0 to 1")
    if not (border["min_x"] < border["max_x"] and border["min_y"] < border["max_y"]):
        raise ValueError("border min_x/min_y must be below max_x/max_y")
    return border


@contextlib.contextmanager
def bordered(render, border):
    """Within the block Blender renders only `border` (None: the whole frame, as the scene says),
    cropped to it; the scene's own border settings come back afterwards."""
    if border is None:
        yield
        return
    keys = ("use_border", "use_crop_to_border", "border_min_x", "border_max_x", "border_min_y", "border_max_y")
    saved = {k: getattr(render, k) for k in keys}
    try:
        render.use_border = True
        render.use_crop_to_border = True
        render.border_min_x, render.border_max_x = border["min_x"], border["max_x"]
        render.border_min_y, render.border_max_y = border["min_y"], border["max_y"]
        yield
    finally:
        for k, v in saved.items():
            setattr(render, k, v)
