"""Per-job overrides for the loaded scene, applied by the worker's `configure` request.

Every `configure` starts again from the scene as it was loaded, so a request states the whole
set of overrides (an empty one puts the scene back), and a worker kept for the next job carries
nothing over from the last.
"""

# Where each engine keeps its final-render sample count.
SAMPLES = {
    "CYCLES": ("cycles", "samples"),
    "BLENDER_EEVEE": ("eevee", "taa_render_samples"),
    "BLENDER_EEVEE_NEXT": ("eevee", "taa_render_samples"),
}
FORMATS = {"PNG": ".png", "JPEG": ".jpg", "OPEN_EXR": ".exr", "OPEN_EXR_MULTILAYER": ".exr"}
DEPTHS = {"PNG": ("8", "16"), "JPEG": ("8",), "OPEN_EXR": ("16", "32"), "OPEN_EXR_MULTILAYER": ("16", "32")}
KEYS = ("resolution_percentage", "samples", "camera", "device", "format", "color_depth", "denoiser")
IMAGE_KEYS = ("file_format", "color_mode", "color_depth", "exr_codec")


def samples_path(scene):
    """(owner, property) of the sample count for the scene's engine, or None (Workbench)."""
    found = SAMPLES.get(scene.render.engine)
    return (getattr(scene, found[0]), found[1]) if found else None


def samples_info(scene):
    """The engine's sample count, its hard maximum, and whether it is keyframed or driven."""
    found = samples_path(scene)
    if found is None:
        return {"samples": None, "samples_max": None, "samples_animated": False}
    owner, prop = found
    key = ".".join(SAMPLES[scene.render.engine])
    return {
        "samples": getattr(owner, prop),
        "samples_max": owner.bl_rna.properties[prop].hard_max,
        "samples_animated": bool(_curves(scene, key)),
    }


def _curves(scene, data_path):
    """F-curves and drivers that would set `data_path` back on every frame change, keyed by where
    they are (bpy hands out a new Python object on each access, so id() cannot key them)."""
    ad = scene.animation_data
    if ad is None:
        return []
    found = [(("driver", i), c) for i, c in enumerate(ad.drivers)]
    if ad.action is not None:
        found += [(("action", i), c) for i, c in enumerate(ad.action.fcurves)]
    return [(key, c) for key, c in found if c.data_path == data_path]


def check_image(fmt, depth):
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {sorted(FORMATS)} (got {fmt!r})")
    if depth is not None and str(depth) not in DEPTHS[fmt]:
        raise ValueError(f"color_depth {depth} is not offered for {fmt}; use one of {list(DEPTHS[fmt])}")


class SceneSettings:
    """The scene as loaded, and the overrides now in force on top of it."""

    def __init__(self, scene, denoising=None):
        self.scene = scene
        self.denoising = denoising  # ct_denoise.Denoising, as the worker started it
        r = scene.render
        found = samples_path(scene)
        self.samples_key = f"{SAMPLES[r.engine][0]}.{SAMPLES[r.engine][1]}" if found else None
        self.base = {
            "resolution_percentage": r.resolution_percentage,
            "samples": getattr(found[0], found[1]) if found else None,
            "camera": scene.camera,
            "image": {k: getattr(r.image_settings, k) for k in IMAGE_KEYS},
        }
        self.muted = {key: c.mute for key, c in _curves(scene, self.samples_key)} if found else {}
        self.camera = None  # the override camera object, re-asserted after each frame change
        self.image = {"format": "PNG", "color_depth": None}

    def reset(self):
        scene, r = self.scene, self.scene.render
        r.resolution_percentage = self.base["resolution_percentage"]
        found = samples_path(scene)
        if found:
            setattr(found[0], found[1], self.base["samples"])
            for key, c in _curves(scene, self.samples_key):
                c.mute = self.muted.get(key, c.mute)
        scene.camera = self.base["camera"]
        self.camera = None
        for key in IMAGE_KEYS:  # in this order: each is narrowed to what the format offers
            try:
                setattr(r.image_settings, key, self.base["image"][key])
            except TypeError:
                pass
        self.image = {"format": "PNG", "color_depth": None}
        if self.denoising is not None:
            self.denoising.reset()

    def apply(self, overrides):
        """Resets, then applies `overrides`; returns what is now in force, as Blender holds it."""
        unknown = sorted(set(overrides) - set(KEYS))
        if unknown:
            raise ValueError(f"unknown overrides {unknown}; known: {list(KEYS)}")
        self.reset()
        scene, r = self.scene, self.scene.render
        applied = {}
        if overrides.get("resolution_percentage") is not None:
            r.resolution_percentage = int(overrides["resolution_percentage"])
            applied["resolution_percentage"] = r.resolution_percentage
        if overrides.get("samples") is not None:
            found = samples_path(scene)
            if found is None:
                raise ValueError(f"samples: the {r.engine} engine has no sample count")
            setattr(found[0], found[1], int(overrides["samples"]))
            for _key, c in _curves(scene, self.samples_key):
                c.mute = True  # keyframed or driven samples would undo the override on frame_set
            applied["samples"] = getattr(found[0], found[1])
        if overrides.get("camera") is not None:
            cam = scene.objects.get(overrides["camera"])
            if cam is None or cam.type != "CAMERA":
                names = sorted(o.name for o in scene.objects if o.type == "CAMERA")
                raise ValueError(f"camera {overrides['camera']!r}: no such camera in the scene; it has {names}")
            self.camera = scene.camera = cam
            applied["camera"] = cam.name
        if overrides.get("denoiser") is not None:
            if self.denoising is None:
                raise ValueError("denoiser: this worker cannot change denoising")
            applied["denoiser"] = self.denoising.apply(overrides["denoiser"])
        fmt = overrides.get("format") or "PNG"
        depth = overrides.get("color_depth")
        check_image(fmt, depth)
        self.image = {"format": fmt, "color_depth": str(depth) if depth is not None else None}
        if overrides.get("format") is not None:
            applied["format"] = fmt
        if depth is not None:
            applied["color_depth"] = str(depth)
        return applied

    def after_frame_set(self):
        # Timeline markers bound to cameras switch scene.camera on frame change.
        if self.camera is not None:
            self.scene.camera = self.camera

    def set_image(self, fmt, depth, color_mode=None):
        """Image settings for one write: `fmt` at `depth` (None: the format's default)."""
        check_image(fmt, depth)
        settings = self.scene.render.image_settings
        settings.file_format = fmt  # Blender narrows colour mode and depth to what fmt offers
        try:
            settings.color_mode = color_mode or self.base["image"]["color_mode"]
        except TypeError:  # RGBA asked of JPEG: keep what Blender chose
            pass
        settings.color_depth = str(depth) if depth is not None else DEPTHS[fmt][0]
        if fmt.startswith("OPEN_EXR"):
            settings.exr_codec = "ZIP"

    def image_for(self, fmt, depth):
        """The request's format and depth, else the configured ones (depth only for that format)."""
        if fmt is None:
            return self.image["format"], self.image["color_depth"]
        if depth is None and fmt == self.image["format"]:
            depth = self.image["color_depth"]
        return fmt, depth


def camera_info(scene):
    return {
        "camera": scene.camera.name if scene.camera is not None else None,
        "cameras": sorted(o.name for o in scene.objects if o.type == "CAMERA"),
        "camera_markers": any(m.camera is not None for m in scene.timeline_markers),
    }

