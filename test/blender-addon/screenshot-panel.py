"""Blender with its UI (under Xvfb): shows Output Properties full-window, sets the panel's
properties, presses Submit (or only Check files), lets the add-on's timer follow the job, then
saves a screenshot and quits. Prints `PANEL-SHOT {json}` with what the add-on ended with.

xvfb-run blender SCENE -p 0 0 W H -P screenshot-panel.py -- OUT.png [submit|check]
"""

import json
import sys
import time
import traceback

import bpy

args = sys.argv[sys.argv.index("--") + 1 :]
OUT, ACTION = args[0], args[1] if len(args) > 1 else "submit"
DEADLINE = time.monotonic() + 300
RESULT = {}


def window():
    return bpy.context.window_manager.windows[0]


def finish(result):
    print("PANEL-SHOT " + json.dumps(dict(RESULT, **result)), flush=True)
    bpy.ops.wm.quit_blender()


def setup():
    try:
        from cluster_tool_addon.session import SESSION  # noqa: F401 (enabled?)

        # The pointer rests mid-window: no tooltip over the panel.
        bpy.context.preferences.view.show_tooltips = False
        win = window()
        area = max(
            (a for a in win.screen.areas if a.type == "PROPERTIES"), key=lambda a: a.width * a.height
        )
        area.spaces.active.context = "OUTPUT"
        region = next(r for r in area.regions if r.type == "WINDOW")
        with bpy.context.temp_override(window=win, area=area, region=region):
            bpy.ops.screen.screen_full_area()
        s = bpy.context.scene.cluster_tool
        s.frames, s.samples, s.priority = "2-4", 2, 60
        # An edit not saved yet (the undo step makes the file dirty, as any edit in the UI does):
        # Submit saves it first.
        bpy.context.scene.frame_end = 4
        with bpy.context.temp_override(window=win):
            bpy.ops.ed.undo_push(message="frame end")
        RESULT["dirty_before"] = bpy.data.is_dirty
        with bpy.context.temp_override(window=win):
            if ACTION == "submit":
                bpy.ops.cluster_tool.submit()
            else:
                bpy.ops.cluster_tool.check_files()
        bpy.app.timers.register(wait, first_interval=0.5)
    except Exception:
        traceback.print_exc()
        finish({"error": traceback.format_exc()})


def wait():
    from cluster_tool_addon.session import SESSION

    if SESSION.busy and time.monotonic() < DEADLINE:
        return 0.5
    # A moment for the last redraw.
    bpy.app.timers.register(shoot, first_interval=1.0)
    return None


def shoot():
    from cluster_tool_addon.session import SESSION

    try:
        with bpy.context.temp_override(window=window()):
            bpy.ops.screen.screenshot(filepath=OUT)
        finish({"phase": SESSION.phase, "job": SESSION.job_id, "report": SESSION.report})
    except Exception:
        traceback.print_exc()
        finish({"error": traceback.format_exc()})


bpy.app.timers.register(setup, first_interval=1.0)
