"""Drives the installed add-on as an artist would, in a background Blender: sets the panel's
properties, presses Submit, and lets its timer's work run (background Blender runs no timers,
so `SESSION.wait` ticks it). Prints one line, `ADDON-RESULT {json}`, for the test to read.

blender -b [SCENE] -P drive-addon.py -- '{"set": {"frames": "2-4", "samples": 2}}'
"""

import json
import sys

import bpy

opts = json.loads(sys.argv[sys.argv.index("--") + 1])
result = {"enabled": "cluster_tool_addon" in bpy.context.preferences.addons}
if result["enabled"]:
    from cluster_tool_addon.session import SESSION

    settings = bpy.context.scene.cluster_tool
    for key, value in opts.get("set", {}).items():
        setattr(settings, key, value)
    try:
        result["operator"] = sorted(bpy.ops.cluster_tool.submit())
    except RuntimeError as err:  # an ERROR report of the operator itself
        result["operator"] = "error"
        result["error"] = str(err)
    result["reached"] = SESSION.wait(timeout=opts.get("timeout", 600))
    result.update(
        phase=SESSION.phase,
        job=SESSION.job_id,
        state=(SESSION.job or {}).get("state"),
        report=SESSION.report,
        files=SESSION.deps,
        message=SESSION.message,
    )
print("ADDON-RESULT " + json.dumps(result), flush=True)
