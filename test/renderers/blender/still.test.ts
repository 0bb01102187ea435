import { describe, expect, it } from 'vitest';
import {
  checkStillSize,
  mergeTaskPayloadSchema,
  mergeTiles,
  stillTiles,
  tileTaskPayloadSchema,
} from '../../../src/renderers/blender/still.js';
import { sceneInfo } from './scene-fixture.js';

const base = {
  scene: '/s/shot.blend',
  frame: 12,
  width: 64,
  height: 36,
  columns: 4,
  rows: 4,
  overlap: 8,
  tilesDir: '/jobs/7/tiles',
};

describe('still task payloads', () => {
  it('accept the grid and the tiles of a tile task, and the output of a merge task', () => {
    expect(tileTaskPayloadSchema.safeParse({ ...base, tiles: [0, 5] }).success).toBe(true);
    expect(tileTaskPayloadSchema.safeParse({ ...base, tiles: [] }).success).toBe(false);
    expect(tileTaskPayloadSchema.safeParse({ ...base, columns: 0, tiles: [0] }).success).toBe(
      false,
    );
    expect(mergeTaskPayloadSchema.safeParse({ ...base, output: '/o/still.png' }).success).toBe(
      true,
    );
    const withOverrides = { ...base, output: '/o/s.exr', overrides: { format: 'OPEN_EXR' } };
    expect(mergeTaskPayloadSchema.parse(withOverrides).overrides).toEqual({ format: 'OPEN_EXR' });
  });
});

describe('checkStillSize', () => {
  it('refuses tiles planned for another image size than the scene renders', () => {
    expect(() => checkStillSize(sceneInfo({ resolution_percentage: 50 }), base)).toThrow(
      'the scene renders 32×18 here, but the tiles were planned for 64×36',
    );
    expect(() => checkStillSize(sceneInfo(), base)).not.toThrow();
  });
});

describe('mergeTiles', () => {
  it('gives the worker each tile file, its place and its core', () => {
    const tiles = mergeTiles(stillTiles(base), 12, base.tilesDir);
    expect(tiles[5]).toEqual({
      file: '/jobs/7/tiles/frame_0012/tile_r1_c1.exr',
      x: 8,
      y: 1,
      width: 32,
      height: 25,
      core: [16, 9, 32, 18],
    });
  });
});
