"""Remaps the absolute paths of a scene staged to the cluster, in memory, as it opens.

`cluster-tool submit --cluster` lays a shot's files out on the head node with the scene's
relative paths intact; a file the scene names by an absolute path lies elsewhere there. The head
node writes `<scene>.blend.ct-remap.json` beside the scene (src/staging/remap.ts):
    {"version": 1, "dirs": {"/folder/as/written": "/folder/on/the/cluster"}}
and this points every data-block that reads from such a folder at the new one. Nothing is saved:
the .blend stays as the user made it. Libraries first, and reloaded, so that what they bring in
is there before the rest is looked at.
"""

import json
import os

import bpy

SUFFIX = ".ct-remap.json"

# Collections in bpy.data whose data-blocks read one file through `filepath`.
FILE_BLOCKS = ("images", "movieclips", "sounds", "fonts", "volumes", "cache_files")


def load(blend):
    path = blend + SUFFIX
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return {os.path.normpath(k): v for k, v in data.get("dirs", {}).items()}


def moved(written, dirs):
    """The new path of `written` when it is absolute and its folder (or itself) is remapped."""
    if not written or written.startswith("//") or not os.path.isabs(written):
        return None
    path = os.path.normpath(written)
    if path in dirs:
        return dirs[path]
    folder, name = os.path.split(path)
    if folder in dirs:
        return os.path.join(dirs[folder], name)
    return None


def apply(blend):
    """Remaps what `blend`'s sidecar names; returns how many paths changed (0 without one)."""
    dirs = load(blend)
    if not dirs:
        return 0
    changed = 0
    for lib in bpy.data.libraries:
        new = moved(lib.filepath, dirs)
        if new is not None:
            lib.filepath = new
            lib.reload()
            changed += 1
    for collection in FILE_BLOCKS:
        for block in getattr(bpy.data, collection, ()):
            if block.library is not None or getattr(block, "packed_file", None) is not None:
                continue  # a linked data-block is not editable: its library's paths decide
            new = moved(getattr(block, "filepath", ""), dirs)
            if new is None:
                continue
            block.filepath = new
            if hasattr(block, "reload"):
                block.reload()
            changed += 1
    for scene in bpy.data.scenes:
        editor = scene.sequence_editor
        if editor is None:
            continue
        strips = getattr(editor, "strips_all", None)
        for strip in strips if strips is not None else editor.sequences_all:
            for attr in ("filepath", "directory"):
                new = moved(getattr(strip, attr, ""), dirs)
                if new is not None:
                    setattr(strip, attr, new)
                    changed += 1
    print(f"cluster-tool: remapped {changed} absolute path(s) to where the shot was staged")
    return changed
