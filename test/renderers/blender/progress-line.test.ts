import { describe, expect, it } from 'vitest';
import { progressOfLine } from '../../../src/renderers/blender/progress-line.js';

// Lines as Blender 3.4 prints them (the same words in 4.x).
const HEAD =
  'Fra:1 Mem:10.05M (Peak 10.83M) | Time:00:00.09 | Remaining:00:00.11 | Mem:0.90M, Peak:0.90M | Scene, ViewLayer | ';

describe("reading a frame's progress from Blender's status lines", () => {
  it('reads Cycles samples', () => {
    expect(progressOfLine(HEAD + 'Sample 16/64')).toEqual({
      fraction: 0.25,
      activity: 'Sample 16/64',
    });
    expect(progressOfLine(HEAD + 'Sample 0/64')).toEqual({ fraction: 0, activity: 'Sample 0/64' });
  });

  it('reads a tiled render: finished tiles whole, the current one by its samples', () => {
    expect(progressOfLine(HEAD + 'Rendered 3/4 Tiles, Sample 8/16')?.fraction).toBeCloseTo(3.5 / 4);
    expect(progressOfLine(HEAD + 'Rendered 4/4 Tiles, Sample 16/16')?.fraction).toBe(1);
    expect(progressOfLine(HEAD + 'Rendered 2/4 Tiles')?.fraction).toBe(0.5);
  });

  it("reads Eevee's samples", () => {
    expect(
      progressOfLine('Fra:1 Mem:11.88M (Peak 12.99M) | Time:00:07.40 | Rendering 16 / 64 samples'),
    ).toEqual({
      fraction: 0.25,
      activity: 'Sample 16/64',
    });
  });

  it('names what Blender does after the samples, with no fraction', () => {
    expect(
      progressOfLine('Fra:1 Mem:10.25M (Peak 14.51M) | Time:00:01.92 | Compositing | Tile 1-1'),
    ).toEqual({
      activity: 'Compositing',
    });
    expect(progressOfLine(HEAD + 'Denoising')).toEqual({ activity: 'Denoising' });
    expect(progressOfLine(HEAD + 'Finished')).toEqual({ activity: 'Finished' });
  });

  it('ignores what is not a status line, and status lines that say nothing of progress', () => {
    expect(progressOfLine("Saved: '/tmp/o_0001.png'")).toBeUndefined();
    expect(progressOfLine('Sample 3/4 of something a script printed')).toBeUndefined();
    expect(progressOfLine(HEAD + 'Updating Scene BVH | Building BVH 0%')).toBeUndefined();
  });
});
