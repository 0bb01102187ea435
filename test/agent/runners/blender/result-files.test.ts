import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameFile, resultName } from '../../../../src/agent/runners/blender/result-files.js';

describe("where a Blender task's files are and how its result names them", () => {
  it('takes a planned absolute file for a frame, else frame_NNNN in the output root', () => {
    const p = { outputDir: '/out', format: 'PNG' as const, files: { '3': '/out/shot/a_0003.png' } };
    expect(frameFile(p, 3)).toBe('/out/shot/a_0003.png');
    expect(frameFile(p, 12)).toBe(path.join('/out', 'frame_0012.png'));
    // A relative planned name is not trusted as a place to write.
    expect(frameFile({ ...p, files: { '3': 'a_0003.png' } }, 3)).toBe('/out/frame_0003.png');
  });

  it('names a file in the output root as output/…, anything else from the job directory', () => {
    expect(resultName('/out/shot/a.png', '/out', '/jobs/7')).toBe('output/shot/a.png');
    expect(resultName('/jobs/7/thumbs/t.jpg', '/out', '/jobs/7')).toBe('thumbs/t.jpg');
    expect(resultName('/jobs/7/tiles/0.exr', undefined, '/jobs/7')).toBe('tiles/0.exr');
    // The root itself is not a file in it.
    expect(resultName('/out', '/out', '/jobs/7')).toBe('../../out');
  });
});
