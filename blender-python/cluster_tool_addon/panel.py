"""The panel in Output Properties: where to send, the job, its overrides, the scene's files."""

import bpy

from .session import SESSION

MAX_FILES = 12


class CLUSTER_TOOL_PT_submit(bpy.types.Panel):
    bl_label = "Cluster Tool"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "output"

    def draw(self, context):
        scene = context.scene
        s = scene.cluster_tool
        layout = self.layout
        layout.use_property_split = True
        layout.use_property_decorate = False

        layout.prop(s, "target")
        if s.target == "CLUSTER":
            layout.prop(s, "cluster")
            layout.prop(s, "bucket")
            layout.prop(s, "region")

        layout.prop(s, "kind")
        if s.kind == "STILL":
            layout.prop(s, "tiles")
            layout.label(text="Frame %d (the current frame)" % scene.frame_current)
        else:
            layout.prop(s, "frames", text=placeholder_text(s.frames, "%d-%d" % (scene.frame_start, scene.frame_end)))
            layout.prop(s, "frame_step", text="Step (0: the scene's %d)" % scene.frame_step)
        layout.prop(s, "output")
        if not s.output:
            layout.label(text="Output: the job's folder, named as %s" % (scene.render.filepath or "frame_####"))
        layout.prop(s, "name")
        col = layout.column(align=True)
        col.prop(s, "nodes")
        col.prop(s, "gpus_per_node", text="GPUs per node (0: all)")
        layout.prop(s, "priority")

        status(layout.box())
        row = layout.row(align=True)
        row.scale_y = 1.4
        row.operator("cluster_tool.submit", icon="EXPORT")
        row.operator("cluster_tool.open_viewer", icon="URL")


def placeholder_text(value, default):
    # Blender 3.x has no placeholder for a text field: the default goes in the label.
    return "Frames" if value else "Frames (%s)" % default


def status(box):
    """The last thing the add-on said: a step under way, the job's progress, or what went wrong."""
    if SESSION.phase == "running":
        box.label(text=SESSION.message, icon="TIME")
    elif SESSION.busy:
        box.label(text=SESSION.message, icon="SORTTIME")
    elif SESSION.report:
        level, text = SESSION.report
        icon = "ERROR" if level in ("ERROR", "WARNING") else "CHECKMARK" if SESSION.phase == "ended" else "INFO"
        for i, line in enumerate((text.splitlines() or [""])[:8]):
            box.label(text=line, icon=icon if i == 0 else "BLANK1")
    else:
        box.label(text="Not submitted yet", icon="INFO")


class CLUSTER_TOOL_PT_overrides(bpy.types.Panel):
    bl_label = "Overrides"
    bl_parent_id = "CLUSTER_TOOL_PT_submit"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "output"

    def draw(self, context):
        scene = context.scene
        s = scene.cluster_tool
        layout = self.layout
        layout.use_property_split = True
        layout.use_property_decorate = False
        samples = getattr(getattr(scene, "cycles", None), "samples", None)
        scene_samples = "the scene's %d" % samples if samples is not None else "the scene's"
        layout.prop(s, "samples", text="Samples (0: %s)" % scene_samples)
        layout.prop(
            s,
            "resolution_percentage",
            text="Resolution (0: the scene's %d%%)" % scene.render.resolution_percentage,
        )
        layout.prop_search(s, "camera", context.scene, "objects", icon="CAMERA_DATA")
        layout.prop(s, "device")
        layout.prop(s, "format")
        layout.prop(s, "denoiser")


class CLUSTER_TOOL_PT_files(bpy.types.Panel):
    bl_label = "Files the scene reads"
    bl_parent_id = "CLUSTER_TOOL_PT_submit"
    bl_space_type = "PROPERTIES"
    bl_region_type = "WINDOW"
    bl_context = "output"

    def draw(self, context):
        layout = self.layout
        layout.operator("cluster_tool.check_files", icon="FILE_REFRESH")
        files = SESSION.deps
        if files is None:
            layout.label(text="Not checked yet: Submit checks them first")
            return
        missing = [f for f in files if not f.get("exists")]
        layout.label(
            text="%d file(s), %d missing" % (len(files), len(missing)),
            icon="ERROR" if missing else "CHECKMARK",
        )
        col = layout.column(align=True)
        for f in (missing + [f for f in files if f.get("exists")])[:MAX_FILES]:
            col.label(
                text="%s %s" % (f.get("type"), f.get("path")),
                icon="ERROR" if not f.get("exists") else "FILE_IMAGE" if f.get("type") == "image" else "FILE",
            )
        if len(files) > MAX_FILES:
            col.label(text="... and %d more (cluster-tool deps lists them all)" % (len(files) - MAX_FILES))


classes = (CLUSTER_TOOL_PT_submit, CLUSTER_TOOL_PT_overrides, CLUSTER_TOOL_PT_files)


def register():
    for c in classes:
        bpy.utils.register_class(c)


def unregister():
    for c in reversed(classes):
        bpy.utils.unregister_class(c)
