"""Builds scenes whose files lie beside them, as users' projects do, for the dependency tests.

Run:
    blender -b --factory-startup -P test/renderers/blender/make-deps-scenes.py -- --dir DIR

Writes, under DIR:
    project/shot.blend          the scene: 64x36 Cycles, 1 sample, denoising off, frames 1-2
    project/tex/checker.png     an image texture, written `//tex/checker.png`
    project/tex/wood.1001.png   UDIM tiles of `//tex/wood.<UDIM>.png`
    project/tex/wood.1002.png
    project/seq/frame_0001.png  an image sequence, `//seq/frame_0001.png` (frames 1-3)
    project/seq/frame_0002.png
    project/seq/frame_0003.png
    abs/abs.png                 an image texture written as an absolute path
    project/libs/lib.blend      a library: object LibCube, whose material uses
    project/libs/ltex/lib.png   `//ltex/lib.png` (relative to the library), and which links
    project/libs/inner.blend    material InnerMat from `//inner.blend`, whose texture is
    project/libs/itex/inner.png `//itex/inner.png` (relative to inner.blend)
    project/denoised.blend      the same scene with Cycles denoising on (OpenImageDenoise)
and a packed image (in shot.blend itself: needs no file).
"""

import argparse
import os
import sys

import bpy


def parse_args():
    argv = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    p = argparse.ArgumentParser(prog="make-deps-scenes.py")
    p.add_argument("--dir", required=True)
    return p.parse_args(argv)


def write_png(path, rgba):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    img = bpy.data.images.new("ct-tmp", 4, 4)
    img.pixels = list(rgba) * 16
    img.filepath_raw = path
    img.file_format = "PNG"
    img.save()
    bpy.data.images.remove(img)


def fresh(path):
    """An empty file saved at `path` first, so that `//` paths resolve against it."""
    bpy.ops.wm.read_factory_settings(use_empty=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    bpy.ops.wm.save_as_mainfile(filepath=path)


def textured_material(name, image):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nodes = mat.node_tree.nodes
    tex = nodes.new("ShaderNodeTexImage")
    tex.image = image
    if image.source == "SEQUENCE":
        tex.image_user.frame_duration = 3
        tex.image_user.use_auto_refresh = True
    bsdf = nodes.get("Principled BSDF")
    mat.node_tree.links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
    return mat


def image(name, written, source="FILE"):
    """An image data-block that reads `written` (`//` relative to the open file, or absolute)."""
    img = bpy.data.images.load(bpy.path.abspath(written.replace("<UDIM>", "1001")))
    img.name = name
    img.source = source
    img.filepath = written
    return img


def cube(name, materials, x):
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata([(0, 0, 0), (1, 0, 0), (1, 1, 0), (0, 1, 0)], [], [(0, 1, 2, 3)])
    obj = bpy.data.objects.new(name, mesh)
    obj.location.x = x
    for m in materials:
        mesh.materials.append(m)
    return obj


def setup_render(scene, denoise):
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = 1
    scene.render.resolution_x, scene.render.resolution_y = 64, 36
    scene.render.resolution_percentage = 100
    scene.frame_start, scene.frame_end = 1, 2
    scene.cycles.use_denoising = denoise
    for layer in scene.view_layers:
        layer.cycles.use_denoising = True


def main():
    root = os.path.abspath(parse_args().dir)
    project = os.path.join(root, "project")
    libs = os.path.join(project, "libs")

    for rel, rgb in [
        ("project/tex/checker.png", (1, 0, 0, 1)),
        ("project/tex/wood.1001.png", (0, 1, 0, 1)),
        ("project/tex/wood.1002.png", (0, 0, 1, 1)),
        ("project/seq/frame_0001.png", (1, 1, 0, 1)),
        ("project/seq/frame_0002.png", (0, 1, 1, 1)),
        ("project/seq/frame_0003.png", (1, 0, 1, 1)),
        ("abs/abs.png", (1, 1, 1, 1)),
        ("project/libs/ltex/lib.png", (0.5, 0, 0, 1)),
        ("project/libs/itex/inner.png", (0, 0.5, 0, 1)),
    ]:
        write_png(os.path.join(root, rel), rgb)

    # The innermost library: a material whose texture lies beside it.
    inner = os.path.join(libs, "inner.blend")
    fresh(inner)
    mat = textured_material("InnerMat", image("inner", "//itex/inner.png"))
    mat.use_fake_user = True
    bpy.ops.wm.save_as_mainfile(filepath=inner)

    # The library the scene links: an object with its own textured material and a linked one.
    lib = os.path.join(libs, "lib.blend")
    fresh(lib)
    with bpy.data.libraries.load("//inner.blend", link=True, relative=True) as (src, dst):
        dst.materials = ["InnerMat"]
    own = textured_material("LibMat", image("lib", "//ltex/lib.png"))
    obj = cube("LibCube", [own, dst.materials[0]], 0)
    bpy.context.scene.collection.objects.link(obj)
    bpy.ops.wm.save_as_mainfile(filepath=lib)

    for name, denoise in [("shot.blend", False), ("denoised.blend", True)]:
        shot = os.path.join(project, name)
        fresh(shot)
        scene = bpy.context.scene
        setup_render(scene, denoise)
        with bpy.data.libraries.load("//libs/lib.blend", link=True, relative=True) as (src, dst):
            dst.objects = ["LibCube"]
        scene.collection.objects.link(dst.objects[0])
        packed = bpy.data.images.new("packed", 4, 4)
        packed.pack()
        mats = [
            textured_material("Checker", image("checker", "//tex/checker.png")),
            textured_material("Wood", image("wood", "//tex/wood.<UDIM>.png", "TILED")),
            textured_material("Seq", image("seq", "//seq/frame_0001.png", "SEQUENCE")),
            textured_material("Abs", image("abs", os.path.join(root, "abs", "abs.png"))),
            textured_material("Packed", packed),
        ]
        wood = bpy.data.images["wood"]
        if not any(t.number == 1002 for t in wood.tiles):
            wood.tiles.new(tile_number=1002)
        for i, m in enumerate(mats):
            scene.collection.objects.link(cube(m.name, [m], i + 2))
        cam = bpy.data.objects.new("Cam", bpy.data.cameras.new("Cam"))
        cam.location = (3, -8, 4)
        cam.rotation_euler = (1.1, 0, 0)
        scene.collection.objects.link(cam)
        scene.camera = cam
        bpy.ops.wm.save_as_mainfile(filepath=shot)


main()
