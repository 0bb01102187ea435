import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseTiles, planTiles, tileFileName } from '../../../src/renderers/blender/tiles.js';

/** What Blender does with a border: `disprect.xmin = border.xmin * winx`, truncated, in float32. */
function blenderPixels(fraction: number, size: number): number {
  return Math.trunc(Math.fround(Math.fround(fraction) * size));
}

describe('parseTiles', () => {
  it('reads columns x rows', () => {
    expect(parseTiles('4x4')).toEqual({ columns: 4, rows: 4 });
    expect(parseTiles(' 8X2 ')).toEqual({ columns: 8, rows: 2 });
  });

  it('refuses zero, missing parts and too many tiles, saying what to write', () => {
    expect(() => parseTiles('0x4')).toThrow(
      /--tiles "0x4": columns and rows must be 1 or more, e.g. 4x4/,
    );
    expect(() => parseTiles('4x0')).toThrow(UsageError);
    expect(() => parseTiles('4')).toThrow(/write columns x rows, e.g. 4x4/);
    expect(() => parseTiles('-1x4')).toThrow(/write columns x rows/);
    expect(() => parseTiles('2.5x4')).toThrow(/write columns x rows/);
    expect(() => parseTiles('65x1')).toThrow(/at most 64 columns/);
  });
});

describe('planTiles', () => {
  for (const [w, h, c, r] of [
    [64, 36, 4, 4],
    [67, 37, 4, 3],
    [1920, 1080, 7, 5],
    [5, 3, 5, 3],
  ] as const) {
    it(`covers a ${w}×${h} image with ${c}x${r} cores exactly once`, () => {
      const tiles = planTiles(w, h, { columns: c, rows: r });
      expect(tiles).toHaveLength(c * r);
      const hits = new Uint8Array(w * h);
      for (const t of tiles)
        for (let y = t.core.y0; y < t.core.y1; y++)
          for (let x = t.core.x0; x < t.core.x1; x++) hits[y * w + x]! += 1;
      expect(hits.every((n) => n === 1)).toBe(true);
    });

    it(`gives ${w}×${h} tiles borders Blender turns into exactly their pixels`, () => {
      for (const t of planTiles(w, h, { columns: c, rows: r })) {
        expect(blenderPixels(t.border.min_x, w)).toBe(t.rect.x0);
        expect(blenderPixels(t.border.max_x, w)).toBe(t.rect.x1);
        expect(blenderPixels(t.border.min_y, h)).toBe(t.rect.y0);
        expect(blenderPixels(t.border.max_y, h)).toBe(t.rect.y1);
      }
    });
  }

  it('grows each core by the overlap on inner sides only', () => {
    const tiles = planTiles(64, 36, { columns: 2, rows: 2 }, 8);
    expect(tiles[0]).toMatchObject({
      index: 0,
      column: 0,
      row: 0,
      core: { x0: 0, x1: 32, y0: 0, y1: 18 },
      rect: { x0: 0, x1: 40, y0: 0, y1: 26 },
    });
    expect(tiles[3]).toMatchObject({
      index: 3,
      core: { x0: 32, x1: 64, y0: 18, y1: 36 },
      rect: { x0: 24, x1: 64, y0: 10, y1: 36 },
      border: { max_x: 1, max_y: 1 },
    });
  });

  it('refuses more tiles than pixels and a bad overlap', () => {
    expect(() => planTiles(3, 100, { columns: 4, rows: 1 })).toThrow(
      /--tiles 4x1: the image is only 3×100 pixels; use at most 3x64/,
    );
    expect(() => planTiles(64, 36, { columns: 2, rows: 2 }, -1)).toThrow(/tile overlap -1/);
  });

  it('names tile files by frame, row and column', () => {
    const [t] = planTiles(64, 36, { columns: 1, rows: 1 });
    expect(tileFileName(12, t!)).toBe('frame_0012/tile_r0_c0.exr');
  });
});
