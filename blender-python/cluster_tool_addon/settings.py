"""What the panel edits: the scene's submit settings (saved with the .blend) and the add-on's
preferences (where cluster-tool is, which coordinator)."""

import bpy
from bpy.props import EnumProperty, IntProperty, StringProperty

SCENE = ("SCENE", "As the scene", "Keep the scene's own setting")


class ClusterToolSettings(bpy.types.PropertyGroup):
    target: EnumProperty(
        name="Send to",
        items=(
            ("HERE", "This head node", "The coordinator this machine runs (or the local cluster)"),
            ("CLUSTER", "ParallelCluster", "A ParallelCluster head node through AWS SSM (--cluster)"),
        ),
        default="HERE",
    )
    cluster: StringProperty(name="Cluster", description="The ParallelCluster cluster's name")
    bucket: StringProperty(
        name="Bucket",
        description="S3 bucket the scene and its files are staged through (empty: $CLUSTER_TOOL_BUCKET)",
    )
    region: StringProperty(name="Region", description="AWS region (empty: AWS_REGION / profile)")
    kind: EnumProperty(
        name="Job",
        items=(
            ("ANIMATION", "Animation", "Every frame across the GPUs, then an MP4"),
            ("STILL", "Tiled still", "The current frame as tiles across the GPUs, merged"),
        ),
        default="ANIMATION",
    )
    frames: StringProperty(
        name="Frames",
        description="1-240, 1-240x2 (every 2nd), 1,5,9-12; empty: the scene's frame range",
    )
    frame_step: IntProperty(
        name="Step", description="Every Nth frame; 0: the scene's frame step", default=0, min=0
    )
    tiles: StringProperty(name="Tiles", description="Columns x rows", default="2x2")
    output: StringProperty(
        name="Output",
        description=(
            "Folder for the frames and the video, shared with the nodes; empty: the job's own "
            "folder, with file names from the scene's output path"
        ),
        subtype="DIR_PATH",
    )
    name: StringProperty(name="Name", description="A name for the job (empty: the scene's)")
    nodes: IntProperty(name="Nodes", description="Nodes to start with", default=1, min=1)
    gpus_per_node: IntProperty(
        name="GPUs per node", description="Agents per node; 0: the nodes' GPU count", default=0, min=0
    )
    priority: IntProperty(
        name="Priority",
        description="1-100, higher first when nodes are scarce",
        default=50,
        min=1,
        max=100,
    )
    samples: IntProperty(
        name="Samples", description="Samples per pixel; 0: the scene's", default=0, min=0
    )
    resolution_percentage: IntProperty(
        name="Resolution %", description="0: the scene's", default=0, min=0, max=1000, subtype="PERCENTAGE"
    )
    camera: StringProperty(name="Camera", description="Render through this camera (empty: the scene's)")
    device: EnumProperty(
        name="Device",
        items=(
            SCENE,
            ("gpu", "GPU", "Each agent's GPU"),
            ("cpu", "CPU", "The CPU"),
            ("auto", "Auto", "The GPU when there is one"),
        ),
        default="SCENE",
    )
    format: EnumProperty(
        name="Format",
        items=(
            SCENE,
            ("PNG", "PNG", ""),
            ("JPEG", "JPEG", ""),
            ("OPEN_EXR", "OpenEXR", ""),
            ("OPEN_EXR_MULTILAYER", "OpenEXR multilayer", ""),
        ),
        default="SCENE",
    )
    denoiser: EnumProperty(
        name="Denoiser",
        items=(
            SCENE,
            ("none", "None", "Render without denoising"),
            ("openimagedenoise", "OpenImageDenoise", ""),
            ("optix", "OptiX", ""),
        ),
        default="SCENE",
    )


class ClusterToolPreferences(bpy.types.AddonPreferences):
    # The add-on's module name: as a legacy add-on and as a 4.2 extension alike.
    bl_idname = __package__

    cli_path: StringProperty(
        name="cluster-tool command",
        description="Path of the cluster-tool executable; empty: the first on PATH",
        subtype="FILE_PATH",
    )
    state_dir: StringProperty(
        name="Coordinator state directory",
        description="With 'This head node': the coordinator's state directory (empty: the CLI's default)",
        subtype="DIR_PATH",
    )

    def draw(self, context):
        self.layout.prop(self, "cli_path")
        self.layout.prop(self, "state_dir")


def preferences(context):
    addon = context.preferences.addons.get(__package__)
    return addon.preferences if addon else None


def as_dict(context):
    """The settings as the CLI's command lines take them, with the scene's defaults filled in."""
    scene = context.scene
    s = scene.cluster_tool
    d = {k: getattr(s, k) for k in ClusterToolSettings.__annotations__}
    if not d["frames"]:
        d["frames"] = "%d-%d" % (scene.frame_start, scene.frame_end)
    if d["frame_step"] == 0:
        d["frame_step"] = scene.frame_step
    d["frame"] = scene.frame_current
    d["output"] = bpy.path.abspath(d["output"]) if d["output"] else ""
    prefs = preferences(context)
    d["state_dir"] = bpy.path.abspath(prefs.state_dir) if prefs and prefs.state_dir else ""
    return d


classes = (ClusterToolSettings, ClusterToolPreferences)


def register():
    for c in classes:
        bpy.utils.register_class(c)
    bpy.types.Scene.cluster_tool = bpy.props.PointerProperty(type=ClusterToolSettings)


def unregister():
    del bpy.types.Scene.cluster_tool
    for c in reversed(classes):
        bpy.utils.unregister_class(c)
