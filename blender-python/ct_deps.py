"""Every file outside the .blend that the loaded scene needs, as Blender itself resolves it.

Answers the worker's `deps` request. Blender loads linked data-blocks with the file, so
`bpy.data` already holds what the libraries (and their libraries) bring in, each with its
`library`: a `//` path of such a data-block is relative to its library's file, not the scene's.
A packed data-block needs no file. Data-blocks nothing uses (only a fake user) are not rendered,
so they are left out. Python kept to what Blender 3.4 through 4.x share.
"""

import glob
import os
import re

import bpy

# (collection in bpy.data, type name) of the data-blocks that read one file each.
SINGLE_FILE = (
    ("movieclips", "movieclip"),
    ("sounds", "sound"),
    ("fonts", "font"),
    ("volumes", "volume"),
    ("cache_files", "cache_file"),
)


def used(block):
    return block.users - (1 if getattr(block, "use_fake_user", False) else 0) > 0


def absolute(written, library):
    path = bpy.path.abspath(written, library=library) if written.startswith("//") else written
    return os.path.normpath(path)


def entry(kind, block, written, path):
    exists = os.path.isfile(path)
    library = getattr(block, "library", None)
    return {
        "type": kind,
        "name": block.name,
        "library": library.filepath if library is not None else None,
        "path": written,
        "file": path,
        "exists": exists,
        "size": os.path.getsize(path) if exists else None,
    }


def numbered(path):
    """The files of a numbered sequence `path` belongs to (`frame_0001.png`: every `frame_N.png`
    with as many digits), sorted; `path` alone when its name has no number."""
    folder, name = os.path.split(path)
    m = re.match(r"^(.*?)(\d+)(\D*)$", name)
    if m is None:
        return [path]
    head, digits, tail = m.groups()
    pattern = re.compile(re.escape(head) + r"\d{%d,}" % len(digits) + re.escape(tail) + "$")
    found = sorted(glob.glob(os.path.join(glob.escape(folder), glob.escape(head) + "*")))
    return [f for f in found if pattern.match(os.path.basename(f))] or [path]


def tile_name(written, number):
    """A UDIM tile's path: `<UDIM>` is 1001.., `<UVTILE>` is u1_v1.."""
    u, v = (number - 1001) % 10 + 1, (number - 1001) // 10 + 1
    return written.replace("<UDIM>", str(number)).replace("<UVTILE>", "u%d_v%d" % (u, v))


def image_files(img):
    written = img.filepath
    if img.source not in ("FILE", "SEQUENCE", "MOVIE", "TILED") or not written:
        return []  # generated, the render result, the viewer
    if img.packed_file is not None or len(getattr(img, "packed_files", ())):
        return []
    path = absolute(written, img.library)
    if img.source == "TILED":
        if "<UDIM>" in written or "<UVTILE>" in written:
            return [entry("image", img, written, tile_name(path, t.number)) for t in img.tiles]
        return [entry("image", img, written, path)]
    if img.source == "SEQUENCE":
        return [entry("image", img, written, p) for p in numbered(path)]
    return [entry("image", img, written, path)]


def block_files(kind, block):
    written = getattr(block, "filepath", "")
    if not written or written == "<builtin>" or getattr(block, "packed_file", None) is not None:
        return []
    path = absolute(written, getattr(block, "library", None))
    if getattr(block, "is_sequence", False) or getattr(block, "source", "") == "SEQUENCE":
        return [entry(kind, block, written, p) for p in numbered(path)]
    return [entry(kind, block, written, path)]


def library_files():
    out = []
    for lib in bpy.data.libraries:
        if lib.packed_file is not None:
            continue
        # Blender rebases an indirectly linked library's path onto the scene's file when it
        # loads it; the library that links it is asked only when that finds nothing.
        path = absolute(lib.filepath, None)
        if not os.path.isfile(path) and lib.parent is not None:
            beside = absolute(lib.filepath, lib.parent)
            path = beside if os.path.isfile(beside) else path
        out.append(entry("library", lib, lib.filepath, path))
    return out


def strip_files(scene):
    """Image and movie strips of the scene's sequencer (sound strips use bpy.data.sounds)."""
    editor = scene.sequence_editor
    if editor is None:
        return []
    out = []
    # `strips_all` since Blender 4.4, `sequences_all` before (gone in 5.0).
    strips = getattr(editor, "strips_all", None)
    for strip in strips if strips is not None else editor.sequences_all:
        if strip.type == "MOVIE":
            out.append(entry("strip", strip, strip.filepath, absolute(strip.filepath, None)))
        elif strip.type == "IMAGE":
            for element in strip.elements:
                written = os.path.join(strip.directory, element.filename)
                out.append(entry("strip", strip, written, absolute(written, None)))
    return out


def point_cache_dirs():
    """Physics caches baked to disk, or external: their folder must come along."""
    out = []
    blend = bpy.path.basename(bpy.data.filepath)
    default = "//blendcache_" + os.path.splitext(blend)[0]
    for obj in bpy.data.objects:
        if not used(obj):
            continue
        caches = [getattr(m, "point_cache", None) for m in obj.modifiers]
        caches += [p.point_cache for p in getattr(obj, "particle_systems", ())]
        for cache in caches:
            # Only a baked (or external) cache must be there: an unbaked one is simulated anew.
            if cache is None or not ((cache.use_disk_cache and cache.is_baked) or cache.use_external):
                continue
            written = cache.filepath if cache.use_external else default
            folder = absolute(written, obj.library)
            out.append(directory_entry("point_cache", obj, written, folder))
        for m in obj.modifiers:
            domain = getattr(m, "domain_settings", None) if m.type == "FLUID" else None
            baked = domain is not None and getattr(domain, "has_cache_baked_any", False)
            if baked and m.fluid_type == "DOMAIN" and domain.cache_directory:
                written = domain.cache_directory
                out.append(directory_entry("fluid_cache", obj, written, absolute(written, obj.library)))
    return out


def directory_entry(kind, block, written, folder):
    exists = os.path.isdir(folder)
    size = None
    if exists:
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _s, fs in os.walk(folder) for f in fs)
    library = getattr(block, "library", None)
    return {"type": kind, "name": block.name, "library": library.filepath if library is not None else None,
            "path": written, "file": folder, "exists": exists, "size": size}


def scene_dependencies(scene):
    """Every file (or cache folder) the scene needs, one entry per file, in a stable order."""
    out = library_files()
    out += [e for img in bpy.data.images if used(img) for e in image_files(img)]
    for attr, kind in SINGLE_FILE:
        for block in getattr(bpy.data, attr, ()):
            if used(block):
                out += block_files(kind, block)
    out += strip_files(scene)
    out += point_cache_dirs()
    seen, unique = set(), []
    for e in out:
        key = (e["type"], e["name"], e["library"], e["file"])
        if key not in seen:
            seen.add(key)
            unique.append(e)
    return unique
