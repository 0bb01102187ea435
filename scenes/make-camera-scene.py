"""Builds a tiny scene with two cameras, each looking at a cube of its own colour.

Run:
    blender -b --factory-startup -P scenes/make-camera-scene.py -- --output cams.blend \
        [--width 64 --height 36] [--samples 4] [--output-path //render/shot_####]

`CamRed` (the scene camera) sees only a red cube, `CamBlue` only a blue one; both cubes glow
(emission) against a black world, shown through the Standard view transform, so the centre
pixel says which camera rendered the frame.
Cycles on the CPU, denoising off (Debian's Blender has no OpenImageDenoiser), frames 1-10.
"""

import argparse
import math
import os
import sys

import bpy


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    p = argparse.ArgumentParser(prog="make-camera-scene.py")
    p.add_argument("--output", required=True)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--height", type=int, default=36)
    p.add_argument("--samples", type=int, default=4)
    p.add_argument("--output-path", default="//render/shot_####")
    return p.parse_args(argv)


def glowing_cube(name, location, rgb):
    bpy.ops.mesh.primitive_cube_add(size=2, location=location)
    cube = bpy.context.active_object
    cube.name = name
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes = mat.node_tree.nodes
    nodes.clear()
    emit = nodes.new("ShaderNodeEmission")
    emit.inputs["Color"].default_value = (*rgb, 1)
    emit.inputs["Strength"].default_value = 2.0
    out = nodes.new("ShaderNodeOutputMaterial")
    mat.node_tree.links.new(emit.outputs["Emission"], out.inputs["Surface"])
    cube.data.materials.append(mat)


def camera(name, location, target):
    bpy.ops.object.camera_add(location=location)
    cam = bpy.context.active_object
    cam.name = name
    direction = [t - l for t, l in zip(target, location)]
    # Point the camera's -Z at the target, +Y up.
    from mathutils import Vector

    cam.rotation_euler = Vector(direction).to_track_quat("-Z", "Y").to_euler()
    cam.data.lens = 50
    return cam


def main():
    args = parse_args()
    bpy.ops.wm.read_factory_settings(use_empty=True)
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = args.samples
    scene.cycles.use_denoising = False
    scene.cycles.use_adaptive_sampling = False
    for layer in scene.view_layers:
        layer.cycles.use_denoising = False
    scene.render.resolution_x, scene.render.resolution_y = args.width, args.height
    scene.render.resolution_percentage = 100
    scene.render.filepath = args.output_path
    scene.frame_start, scene.frame_end = 1, 10
    # Colours as given: Blender 4's default view transform (AgX) turns a bright pure red pink,
    # and the centre pixel must say which cube it saw on every Blender.
    scene.view_settings.view_transform = "Standard"
    world = bpy.data.worlds.new("World")
    world.use_nodes = True
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0, 0, 0, 1)
    scene.world = world
    glowing_cube("RedCube", (20, 0, 0), (1, 0, 0))
    glowing_cube("BlueCube", (-20, 0, 0), (0, 0, 1))
    scene.camera = camera("CamRed", (20, -8, 0), (20, 0, 0))
    camera("CamBlue", (-20, -8, 0), (-20, 0, 0))
    output = os.path.abspath(args.output)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    bpy.ops.wm.save_as_mainfile(filepath=output, compress=True)
    print(f"camera scene written: {output} (cameras CamRed, CamBlue; {math.prod((args.width, args.height))} px)")


main()
