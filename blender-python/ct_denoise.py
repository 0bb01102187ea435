"""Cycles denoising: what the scene asks for, which denoisers this Blender can run, and the
job's choice (the `denoiser` override: none, OPENIMAGEDENOISE or OPTIX).

A render with denoising on fails outright in a Blender built without the denoiser the scene
names (Debian's has no OpenImageDenoise: "Build without OpenImageDenoiser"), so the worker
starts with denoising off where it cannot run, and says so; the submit refuses such a scene
unless the job chose a denoiser. The scene's denoiser is read from the stored value, because a
build that lacks it reads the enum as ''.
"""

# Cycles' stored values of `cycles.denoiser` (DenoiserType), the same in 3.x and 4.x.
STORED = {2: "OPTIX", 4: "OPENIMAGEDENOISE"}
DEFAULT = "OPENIMAGEDENOISE"
CHOICES = ("none", "OPENIMAGEDENOISE", "OPTIX")


def available():
    """The denoisers this Blender was built with."""
    try:
        import _cycles
    except ImportError:
        return []
    out = []
    if getattr(_cycles, "with_openimagedenoise", False):
        out.append("OPENIMAGEDENOISE")
    try:
        if _cycles.get_device_types()[1]:  # (cuda, optix, hip, ...): built with OptiX
            out.append("OPTIX")
    except Exception:  # an older or newer signature: OptiX unknown, so not offered
        pass
    return out


def scene_denoiser(cycles):
    raw = cycles.get("denoiser")
    if isinstance(raw, int) and raw in STORED:
        return STORED[raw]
    return getattr(cycles, "denoiser", "") or DEFAULT


class Denoising:
    """The scene's denoising as loaded, and the worker's changes to it."""

    def __init__(self, scene):
        self.scene = scene
        self.is_cycles = scene.render.engine == "CYCLES"
        self.loaded = self._snapshot()
        self.denoiser = scene_denoiser(scene.cycles) if self.is_cycles else None
        self.available = available()
        self.disabled = []
        self.base = self.loaded

    def _snapshot(self):
        if not self.is_cycles:
            return None
        c = self.scene.cycles
        return (c.use_denoising, c.get("denoiser"), [l.cycles.use_denoising for l in self.scene.view_layers])

    def _restore(self, snap):
        if snap is None:
            return
        c = self.scene.cycles
        c.use_denoising = snap[0]
        if snap[1] is not None:
            c["denoiser"] = snap[1]
        elif "denoiser" in c:
            del c["denoiser"]
        for layer, on in zip(self.scene.view_layers, snap[2]):
            layer.cycles.use_denoising = on

    def asked(self):
        """Where the loaded scene turns denoising on: `scene` and each rendered view layer."""
        if not self.is_cycles or not self.loaded[0]:
            return []
        layers = [f"view_layer:{l.name}" for l, on in zip(self.scene.view_layers, self.loaded[2]) if on and l.use]
        return ["scene"] + layers if layers else []

    def _off(self):
        self.scene.cycles.use_denoising = False
        for layer in self.scene.view_layers:
            layer.cycles.use_denoising = False

    def start(self):
        """Turns denoising off where this Blender lacks the scene's denoiser; the worker's default."""
        asked = self.asked()
        if asked and self.denoiser not in self.available:
            self._off()
            self.disabled = asked
        self.base = self._snapshot()

    def facts(self):
        asked = self.asked()
        return {"was_on": bool(asked), "disabled": self.disabled, "asked": asked,
                "denoiser": self.denoiser if asked else None, "available": self.available}

    def reset(self):
        self._restore(self.base)

    def apply(self, choice):
        """The job's denoiser, from the state `start` left; returns it as applied."""
        if choice not in CHOICES:
            raise ValueError(f"denoiser must be one of {list(CHOICES)} (got {choice!r})")
        if not self.is_cycles:
            if choice == "none":
                return choice
            raise ValueError(f"denoiser {choice}: only Cycles denoises (the scene uses {self.scene.render.engine})")
        if choice == "none":
            self._off()
            return choice
        if choice not in self.available:
            raise ValueError(f"denoiser {choice}: this Blender was built without it (it has {self.available or 'none'})")
        self._restore(self.loaded)
        c = self.scene.cycles
        c.denoiser = choice
        c.use_denoising = True
        if not any(l.cycles.use_denoising for l in self.scene.view_layers):
            for layer in self.scene.view_layers:
                layer.cycles.use_denoising = True
        return choice
