"""Byte-compiles Blender's own Python scripts in place, so that no start of Blender compiles them.

Blender never writes bytecode itself (it sets sys.dont_write_bytecode), and neither Debian's
package nor the release tarballs ship any for its scripts: every start compiles the startup
scripts and add-ons it loads (about 150 files), which is about 0.4 s of a 1 s start on two cores.
Run once after installing Blender, as whoever may write its directories:
    blender -b --factory-startup --python-exit-code 1 --python blender-python/compile_scripts.py
It prints one line on stdout, `@@CT@@ ` followed by JSON:
    {"type": "compiled", "dirs": [{"dir": "...", "writable": true, "ok": true}, ...]}
Compiling again skips what is up to date. A .pyc whose source changed since (Blender upgraded) is
never used: Python checks each against its source's modification time and size.
"""

import compileall
import json
import os
import sys

import bpy


def script_dirs():
    """Blender's system scripts, and its bundled Python's library when it ships one."""
    dirs = [bpy.utils.system_resource("SCRIPTS")]
    python = bpy.utils.system_resource("PYTHON")
    if python:
        dirs.append(os.path.join(python, "lib"))
    return [d for d in dirs if d and os.path.isdir(d)]


def main():
    out = []
    for d in script_dirs():
        writable = os.access(d, os.W_OK)
        # One process: a worker pool would start more Blenders (sys.executable is Blender).
        ok = writable and bool(compileall.compile_dir(d, quiet=2, workers=1))
        out.append({"dir": d, "writable": writable, "ok": ok})
    sys.stdout.write("@@CT@@ " + json.dumps({"type": "compiled", "dirs": out}) + "\n")
    sys.stdout.flush()


main()
