import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/process/run.js';
import { ensureSampleScene } from '../../../src/renderers/blender/sample-scene.js';
import { probeScene } from '../../../src/renderers/blender/scene-info.js';
import { makeTempDir } from './tiny-scene.js';

describe('sample scene', () => {
  it('is built when missing, with the documented defaults, and kept when present', async () => {
    const dir = makeTempDir();
    const file = await ensureSampleScene(dir);
    expect(file).toBe(path.join(dir, 'sample.blend'));
    const built = statSync(file).mtimeMs;
    expect(await ensureSampleScene(file)).toBe(file);
    expect(statSync(file).mtimeMs).toBe(built);

    const probe = await probeScene(file);
    expect(probe.scene).toMatchObject({
      fps: 24,
      frame_start: 1,
      frame_end: 48,
      resolution_x: 320,
      resolution_y: 180,
      engine: 'CYCLES',
    });
    expect(probe.frameRate).toBe('24/1');
    expect(probe.denoisingWasOn).toEqual([]);
  });

  it('makes some frames far more expensive than others', async () => {
    const file = await ensureSampleScene(path.join(makeTempDir(), 'cost.blend'), { frames: 24 });
    const { stdout } = await runCommand('blender', [
      ...['-b', '--factory-startup', file, '--python-expr'],
      'import bpy; s = bpy.context.scene\n' +
        'for f in (1, 8, 9, 16, 17, 24):\n' +
        '    s.frame_set(f); print("SAMPLES", f, s.cycles.samples)',
    ]);
    const samples = Object.fromEntries(
      [...stdout.matchAll(/^SAMPLES (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]),
    );
    expect(samples).toEqual({ 1: 4, 8: 4, 9: 4, 16: 4, 17: 64, 24: 64 });
  });
});
