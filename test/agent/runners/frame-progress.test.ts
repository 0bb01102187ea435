import { describe, expect, it } from 'vitest';
import type { TaskProgressReport } from '../../../src/api/agent-protocol.js';
import { FrameProgress } from '../../../src/agent/runners/blender/frame-progress.js';

const line = (s: string) => `Fra:1 Mem:1M | Time:00:00.10 | Scene, ViewLayer | ${s}`;

describe('the progress of a task of frames', () => {
  it('counts the frames before whole and the one rendering by its samples, each frame on its own clock', () => {
    let now = 1000;
    const seen: TaskProgressReport[] = [];
    const p = new FrameProgress(
      [5, 6],
      (r) => seen.push(r),
      () => now,
    );
    p.start(0);
    now += 2000;
    p.line(line('Sample 32/64'));
    expect(seen.at(-1)).toEqual({
      fraction: 0.25,
      activity: 'Sample 32/64',
      frame: 5,
      frameFraction: 0.5,
      frameElapsedMs: 2000,
    });
    p.start(1);
    now += 500;
    p.line(line('Sample 16/64'));
    expect(seen.at(-1)).toMatchObject({
      fraction: 0.625,
      frame: 6,
      frameFraction: 0.25,
      frameElapsedMs: 500,
    });
  });

  it("never goes back within a frame (a tiled render's last line, a second view layer)", () => {
    const seen: TaskProgressReport[] = [];
    const p = new FrameProgress([1], (r) => seen.push(r));
    p.start(0);
    p.line(line('Rendered 15/16 Tiles, Sample 16/16'));
    p.line(line('Rendered 15/16 Tiles, Sample 0/16'));
    p.line('Fra:1 Mem:1M | Time:00:01.92 | Compositing');
    expect(seen.at(-1)).toMatchObject({ fraction: 1, activity: 'Compositing' });
  });
});
