import { UsageError } from '../../errors.js';

/**
 * One heavy still split into tiles, each rendered by its own GPU with Blender's render border
 * (`render.use_border`, `use_crop_to_border`, `border_min_x` ...), then stitched together.
 *
 * Coordinates are Blender's: pixels, x to the right, y up, (0, 0) the bottom-left pixel; rects
 * include x0/y0 and exclude x1/y1. Each tile has a *core*, the pixels it gives the merged image
 * (the cores split the image exactly), and renders its core grown by `overlap` pixels on every
 * inner side. Cycles samples each pixel from its own seed (scene seed and frame, the pixel's
 * place in the full image), so a tile's pixels are those of a full render; the overlap (default
 * 8 px) keeps what does reach across pixels — adaptive sampling's neighbourhood, compositor
 * filters such as blur or glare up to that radius — the same at the core's edges.
 */

/** Columns × rows, as `--tiles 4x4` writes it. */
export interface TileGrid {
  columns: number;
  rows: number;
}

/** A pixel rectangle: [x0, x1) × [y0, y1), y up. */
export interface PixelRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Blender's render border: fractions of the full image, y up. */
export interface RenderBorder {
  min_x: number;
  max_x: number;
  min_y: number;
  max_y: number;
}

/** One tile: where it sits, what it renders, and what it gives the merged image. */
export interface Tile {
  /** `row * columns + column`, rows counted from the bottom. */
  index: number;
  column: number;
  row: number;
  /** The pixels rendered: the core grown by the overlap, inside the image. */
  rect: PixelRect;
  /** The pixels taken from this tile. */
  core: PixelRect;
  /** The border that makes Blender render exactly `rect`. */
  border: RenderBorder;
}

/** Default overlap between neighbouring tiles, pixels. */
export const DEFAULT_TILE_OVERLAP = 8;
/** Most columns or rows one still is split into. */
export const MAX_TILES_PER_SIDE = 64;

/** Reads `4x4` (columns x rows); throws UsageError saying what to write instead. */
export function parseTiles(spec: string): TileGrid {
  const m = /^\s*(\d+)\s*[xX]\s*(\d+)\s*$/.exec(spec);
  const bad = (why: string) => new UsageError(`--tiles ${JSON.stringify(spec)}: ${why}`);
  if (!m) throw bad('write columns x rows, e.g. 4x4');
  const columns = Number(m[1]);
  const rows = Number(m[2]);
  if (columns < 1 || rows < 1) throw bad('columns and rows must be 1 or more, e.g. 4x4');
  if (columns > MAX_TILES_PER_SIDE || rows > MAX_TILES_PER_SIDE)
    throw bad(`at most ${MAX_TILES_PER_SIDE} columns and ${MAX_TILES_PER_SIDE} rows`);
  return { columns, rows };
}

/**
 * A border edge for pixel edge `p` of `size`. Blender turns the fraction back into pixels by
 * truncating `fraction * size` (render/intern/pipeline.cc, `disprect.xmin = border.xmin *
 * winx`); half a pixel in keeps float rounding from landing one pixel short.
 */
function edge(p: number, size: number): number {
  return p <= 0 ? 0 : p >= size ? 1 : (p + 0.5) / size;
}

/** Splits [0, size) into `n` near-equal spans, the remainder spread evenly. */
function spans(size: number, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, i) => Math.round((i * size) / n));
}

/**
 * The tiles of a `width`×`height` image (the final size, after the resolution percentage) in a
 * `grid`, each grown by `overlap` pixels (default {@link DEFAULT_TILE_OVERLAP}).
 */
export function planTiles(
  width: number,
  height: number,
  grid: TileGrid,
  overlap = DEFAULT_TILE_OVERLAP,
): Tile[] {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new UsageError(`tiles: the image is ${width}×${height} pixels; it needs at least 1×1`);
  if (grid.columns > width || grid.rows > height)
    throw new UsageError(
      `--tiles ${grid.columns}x${grid.rows}: the image is only ${width}×${height} pixels; ` +
        `use at most ${Math.min(width, MAX_TILES_PER_SIDE)}x${Math.min(height, MAX_TILES_PER_SIDE)}`,
    );
  if (!Number.isInteger(overlap) || overlap < 0 || overlap > 256)
    throw new UsageError(`tile overlap ${overlap}: give a whole number of pixels from 0 to 256`);
  const xs = spans(width, grid.columns);
  const ys = spans(height, grid.rows);
  const tiles: Tile[] = [];
  for (let row = 0; row < grid.rows; row++) {
    for (let column = 0; column < grid.columns; column++) {
      const core = {
        x0: xs[column] as number,
        x1: xs[column + 1] as number,
        y0: ys[row] as number,
        y1: ys[row + 1] as number,
      };
      const rect = {
        x0: Math.max(0, core.x0 - overlap),
        x1: Math.min(width, core.x1 + overlap),
        y0: Math.max(0, core.y0 - overlap),
        y1: Math.min(height, core.y1 + overlap),
      };
      const border = {
        min_x: edge(rect.x0, width),
        max_x: edge(rect.x1, width),
        min_y: edge(rect.y0, height),
        max_y: edge(rect.y1, height),
      };
      tiles.push({ index: row * grid.columns + column, column, row, rect, core, border });
    }
  }
  return tiles;
}

/** Where a tile's float EXR goes, relative to the job's tile folder: `frame_0012/tile_r1_c3.exr`. */
export function tileFileName(frame: number, tile: Tile): string {
  return `frame_${String(frame).padStart(4, '0')}/tile_r${tile.row}_c${tile.column}.exr`;
}
