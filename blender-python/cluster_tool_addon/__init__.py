"""Cluster Tool: submit the open scene to a cluster-tool cluster from Output Properties.

Every step runs the cluster-tool CLI (`deps`, `submit`, `status`, `viewer`) as a child process;
see command.py for the command lines and session.py for how Blender keeps responding meanwhile.
Written for Blender 3.4 and later (a legacy add-on; blender_manifest.toml makes it a 4.2+
extension too).
"""

bl_info = {
    "name": "Cluster Tool",
    "author": "cluster-tool",
    "version": (0, 1, 0),
    "blender": (3, 4, 0),
    "location": "Properties > Output > Cluster Tool",
    "description": "Submit the open scene to a cluster-tool render cluster",
    "category": "Render",
}

from . import operators, panel, session, settings  # noqa: E402

modules = (settings, operators, panel)


def register():
    for m in modules:
        m.register()


def unregister():
    session.unregister()
    for m in reversed(modules):
        m.unregister()
