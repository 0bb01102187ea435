"""A small Cycles scene whose plane shows a texture kept in a subfolder (//tex/checker.png), as
an artist's project lays it out, for the add-on's test. Frames 1-5, the plane turns with them.

blender -b --factory-startup -P make-addon-scene.py -- --dir DIR  (writes DIR/shot.blend, DIR/tex/)
"""

import math
import os
import sys

import bpy

out = sys.argv[sys.argv.index("--dir") + 1]
os.makedirs(os.path.join(out, "tex"), exist_ok=True)

bpy.ops.wm.read_factory_settings(use_empty=True)
scene = bpy.context.scene
scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = 16
scene.cycles.use_denoising = False
scene.render.resolution_x, scene.render.resolution_y = 48, 32
scene.render.resolution_percentage = 100
scene.frame_start, scene.frame_end = 1, 5
scene.render.filepath = "//render/shot_####"

# An 8x8 checker of two colours, saved beside the scene and referenced relatively.
size, cell = 64, 8
image = bpy.data.images.new("checker", size, size)
pixels = []
for y in range(size):
    for x in range(size):
        on = ((x // cell) + (y // cell)) % 2
        pixels += [0.9, 0.5, 0.1, 1.0] if on else [0.1, 0.3, 0.9, 1.0]
image.pixels = pixels
image.filepath_raw = os.path.join(out, "tex", "checker.png")
image.file_format = "PNG"
image.save()
image.filepath = "//tex/checker.png"

bpy.ops.mesh.primitive_plane_add(size=2)
plane = bpy.context.object
mat = bpy.data.materials.new("tex")
mat.use_nodes = True
nodes = mat.node_tree.nodes
nodes.clear()
tex = nodes.new("ShaderNodeTexImage")
tex.image = image
tex.interpolation = "Closest"
emit = nodes.new("ShaderNodeEmission")
outn = nodes.new("ShaderNodeOutputMaterial")
mat.node_tree.links.new(tex.outputs["Color"], emit.inputs["Color"])
mat.node_tree.links.new(emit.outputs["Emission"], outn.inputs["Surface"])
plane.data.materials.append(mat)
for f in (1, 5):
    plane.rotation_euler[2] = math.radians(15 * (f - 1))
    plane.keyframe_insert("rotation_euler", index=2, frame=f)

cam_data = bpy.data.cameras.new("Cam")
cam = bpy.data.objects.new("Cam", cam_data)
scene.collection.objects.link(cam)
cam.location = (0, 0, 3)
scene.camera = cam

bpy.ops.wm.save_as_mainfile(filepath=os.path.join(out, "shot.blend"), relative_remap=True)
