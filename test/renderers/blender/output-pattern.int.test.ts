import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/process/run.js';
import { IMAGE_FORMATS } from '../../../src/renderers/blender/formats.js';
import {
  outputFileName,
  parseOutputPattern,
} from '../../../src/renderers/blender/output-pattern.js';
import { makeTempDir, makeTinyScene } from './tiny-scene.js';

const PATTERNS = [
  '//render/shot010_####',
  '//render/shot',
  '//render/',
  '//x_##_y_###.png',
  '//a#b/c',
  '//shot.png',
  '//shot_####.PNG',
  '//x_####.jpeg',
  '//x_####.JPG',
  '//x_####.exr',
  '//x_####.tif',
  '//x_####.webp',
  '//x_####.txt',
  '//x_####.',
  '//x_#_#',
  '//#',
  '//sub/dir/f.####',
];
const FRAMES = [0, 7, 12, 12345];

// Asks Blender for the path of each frame: RenderSettings.frame_path applies its own rules.
const SCRIPT = `
import json, sys, bpy
patterns, formats, frames = json.loads(sys.argv[sys.argv.index("--") + 1])
r = bpy.context.scene.render
out = {}
for fmt in formats:
    r.image_settings.file_format = fmt
    for p in patterns:
        r.filepath = p
        for f in frames:
            out[f"{fmt} {p} {f}"] = bpy.path.relpath(r.frame_path(frame=f))
print("@@PATHS@@ " + json.dumps(out))
`;

describe('output names against Blender', () => {
  let blend: string;
  let blender: Record<string, string>;

  beforeAll(async () => {
    blend = await makeTinyScene(makeTempDir());
    const arg = JSON.stringify([PATTERNS, IMAGE_FORMATS, FRAMES]);
    const { stdout } = await runCommand(
      'blender',
      ['-b', '--factory-startup', blend, '--python-expr', SCRIPT, '--', arg],
      { timeoutMs: 120_000 },
    );
    const line = stdout.split('\n').find((l) => l.startsWith('@@PATHS@@ '));
    blender = JSON.parse(line?.slice('@@PATHS@@ '.length) ?? '{}') as Record<string, string>;
  });

  it('names every frame as Blender frame_path does, for every pattern and format', () => {
    const root = path.dirname(blend);
    let compared = 0;
    for (const format of IMAGE_FORMATS)
      for (const p of PATTERNS)
        for (const f of FRAMES) {
          const ours = `//${outputFileName(parseOutputPattern(p, root), f, format)}`;
          expect(ours, `${format} ${p} frame ${f}`).toBe(blender[`${format} ${p} ${f}`]);
          compared++;
        }
    expect(compared).toBe(IMAGE_FORMATS.length * PATTERNS.length * FRAMES.length);
  });
});
