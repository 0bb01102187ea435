"""Builds the sample render scene: a short Cycles animation whose frames cost different amounts.

Run:
    blender -b --factory-startup -P scenes/make-sample-scene.py -- --output scenes/sample.blend \
        [--frames 48] [--width 320 --height 180] [--cheap-samples 4] [--expensive-samples 64]

Frame cost comes from keyframing `scene.cycles.samples` with constant interpolation: frames are
cheap except every third block of 8 (frames 17-24, 41-48, ...), which use many more samples, so
a scheduler that hands out equal chunks up front finishes late and one that balances does not.
"""

import argparse
import math
import os
import sys

import bpy

BLOCK = 8  # frames per cost block; every third block is expensive


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    p = argparse.ArgumentParser(prog="make-sample-scene.py")
    p.add_argument("--output", required=True)
    p.add_argument("--frames", type=int, default=48)
    p.add_argument("--width", type=int, default=320)
    p.add_argument("--height", type=int, default=180)
    p.add_argument("--cheap-samples", type=int, default=4)
    p.add_argument("--expensive-samples", type=int, default=64)
    return p.parse_args(argv)


def is_expensive(frame):
    return ((frame - 1) // BLOCK) % 3 == 2


def reset_scene():
    bpy.ops.wm.read_factory_settings(use_empty=True)
    return bpy.context.scene


def setup_render(scene, args):
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.render.fps = 24
    scene.render.fps_base = 1.0
    scene.frame_start = 1
    scene.frame_end = args.frames
    scene.render.resolution_x = args.width
    scene.render.resolution_y = args.height
    scene.render.resolution_percentage = 100
    # Debian's Blender has no OpenImageDenoiser: a denoised scene would fail to render at all.
    scene.cycles.use_denoising = False
    scene.cycles.use_preview_denoising = False
    for layer in scene.view_layers:
        layer.cycles.use_denoising = False
    scene.cycles.max_bounces = 4
    scene.cycles.use_adaptive_sampling = False  # keeps the cost proportional to the samples


def key_samples(scene, args):
    for frame in range(1, args.frames + 1):
        scene.cycles.samples = args.expensive_samples if is_expensive(frame) else args.cheap_samples
        scene.keyframe_insert(data_path="cycles.samples", frame=frame)
    for fcurve in scene.animation_data.action.fcurves:
        for key in fcurve.keyframe_points:
            key.interpolation = "CONSTANT"


def add_objects(scene, frames):
    bpy.ops.mesh.primitive_plane_add(size=20, location=(0, 0, 0))
    bpy.ops.mesh.primitive_uv_sphere_add(radius=1, location=(0, 0, 1))
    ball = bpy.context.active_object
    mat = bpy.data.materials.new("Ball")
    mat.use_nodes = True
    mat.node_tree.nodes["Principled BSDF"].inputs["Base Color"].default_value = (0.8, 0.2, 0.1, 1)
    ball.data.materials.append(mat)
    for frame in (1, frames):  # the ball circles once over the animation
        angle = 2 * math.pi * (frame - 1) / max(frames, 1)
        ball.location = (3 * math.cos(angle), 3 * math.sin(angle), 1)
        ball.keyframe_insert(data_path="location", frame=frame)
    bpy.ops.object.light_add(type="SUN", location=(4, -4, 8))
    bpy.context.active_object.data.energy = 3
    bpy.ops.object.camera_add(location=(0, -10, 6), rotation=(math.radians(60), 0, 0))
    scene.camera = bpy.context.active_object
    world = bpy.data.worlds.new("World")
    world.use_nodes = True
    world.node_tree.nodes["Background"].inputs["Color"].default_value = (0.05, 0.07, 0.1, 1)
    scene.world = world


def main():
    args = parse_args()
    if args.frames < 1 or args.width < 1 or args.height < 1:
        sys.exit("make-sample-scene.py: --frames, --width and --height must be positive")
    scene = reset_scene()
    setup_render(scene, args)
    add_objects(scene, args.frames)
    key_samples(scene, args)
    scene.frame_set(1)
    output = os.path.abspath(args.output)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    bpy.ops.wm.save_as_mainfile(filepath=output, compress=True)
    expensive = [f for f in range(1, args.frames + 1) if is_expensive(f)]
    print(f"sample scene written: {output} ({args.frames} frames, expensive: {expensive})")


main()
