"""The panel's buttons: Submit, Check files, Open viewer, and the report a timer asks for."""

import bpy

from . import command, settings
from .session import SESSION

UNSAVED = (
    "Save the scene first (File > Save As): the cluster renders the saved .blend file, and its "
    "textures are found relative to it"
)


def find_cli(op, context):
    prefs = settings.preferences(context)
    configured = prefs.cli_path if prefs else ""
    cli = command.find_cli(bpy.path.abspath(configured) if configured else "")
    if not cli:
        op.report({"ERROR"}, command.not_found_message(configured))
    return cli


class CLUSTER_TOOL_OT_submit(bpy.types.Operator):
    """Save the scene, check the files it reads, and submit it with cluster-tool"""

    bl_idname = "cluster_tool.submit"
    bl_label = "Submit to the cluster"

    @classmethod
    def poll(cls, context):
        return not SESSION.busy or SESSION.phase == "running"

    def invoke(self, context, event):
        if bpy.data.filepath and bpy.data.is_dirty:
            try:  # Blender 4.1+ says why it asks
                return context.window_manager.invoke_confirm(
                    self, event, title="Save and submit?", message="The scene has unsaved changes: save it, then submit",
                    confirm_text="Save and submit",
                )
            except TypeError:
                return context.window_manager.invoke_confirm(self, event)
        return self.execute(context)

    def execute(self, context):
        if not bpy.data.filepath:
            self.report({"ERROR"}, UNSAVED)
            return {"CANCELLED"}
        cli = find_cli(self, context)
        if not cli:
            return {"CANCELLED"}
        s = settings.as_dict(context)
        problem = command.check_settings(s)
        if problem:
            self.report({"ERROR"}, problem)
            return {"CANCELLED"}
        if bpy.data.is_dirty:
            bpy.ops.wm.save_mainfile()
        SESSION.check_files(cli, bpy.data.filepath, then_submit_settings=s)
        return {"FINISHED"}


class CLUSTER_TOOL_OT_check_files(bpy.types.Operator):
    """List the files the saved scene reads (cluster-tool deps) and flag the missing ones"""

    bl_idname = "cluster_tool.check_files"
    bl_label = "Check files"

    @classmethod
    def poll(cls, context):
        return not SESSION.busy

    def execute(self, context):
        if not bpy.data.filepath:
            self.report({"ERROR"}, UNSAVED)
            return {"CANCELLED"}
        cli = find_cli(self, context)
        if not cli:
            return {"CANCELLED"}
        if bpy.data.is_dirty:
            self.report({"WARNING"}, "Checking the saved file; unsaved changes are not in it")
        SESSION.check_files(cli, bpy.data.filepath)
        return {"FINISHED"}


class CLUSTER_TOOL_OT_open_viewer(bpy.types.Operator):
    """Open the browser viewer at the submitted job (cluster-tool viewer --job)"""

    bl_idname = "cluster_tool.open_viewer"
    bl_label = "Open in viewer"

    @classmethod
    def poll(cls, context):
        return SESSION.job_id is not None

    def execute(self, context):
        cli = find_cli(self, context)
        if not cli:
            return {"CANCELLED"}
        SESSION.open_viewer(cli, SESSION.settings or settings.as_dict(context))
        return {"FINISHED"}


class CLUSTER_TOOL_OT_report(bpy.types.Operator):
    """Says a message as a Blender report (the session's timer has no operator of its own)"""

    bl_idname = "cluster_tool.report"
    bl_label = "Cluster Tool report"
    # Registered, so that Blender keeps the report for the status bar and the Info editor.
    bl_options = {"REGISTER", "INTERNAL"}

    level: bpy.props.EnumProperty(
        items=(("INFO", "Info", ""), ("WARNING", "Warning", ""), ("ERROR", "Error", ""))
    )
    message: bpy.props.StringProperty()

    def execute(self, context):
        self.report({self.level}, self.message)
        return {"FINISHED"}


classes = (
    CLUSTER_TOOL_OT_submit,
    CLUSTER_TOOL_OT_check_files,
    CLUSTER_TOOL_OT_open_viewer,
    CLUSTER_TOOL_OT_report,
)


def register():
    for c in classes:
        bpy.utils.register_class(c)


def unregister():
    for c in reversed(classes):
        bpy.utils.unregister_class(c)
