import path from 'node:path';
import type { Tile } from './tiles.js';

/**
 * A finished tile's preview: a small sRGB PNG of its core beside its float EXR (which a browser
 * cannot show), so a still's page shows each tile as it comes in, before the merge. The agent
 * makes it with ffmpeg after the tile is rendered; the page asks for it by its served name.
 * Only a picture: a tile without one still counts, and the merge never reads it.
 */

/** The preview's file beside the tile's EXR (`…/tile_r0_c1.exr` → `…/tile_r0_c1.preview.png`). */
export function tilePreviewFile(exr: string): string {
  return exr.replace(/\.exr$/i, '') + '.preview.png';
}

/**
 * ffmpeg's arguments: read the scene-linear EXR with the sRGB curve applied, crop it to the
 * tile's core (the EXR holds the overlap too; an image's rows run top down, a tile's y up),
 * and write one PNG frame.
 */
export function tilePreviewArgs(exr: string, tile: Pick<Tile, 'rect' | 'core'>): string[] {
  const w = tile.core.x1 - tile.core.x0;
  const h = tile.core.y1 - tile.core.y0;
  const x = tile.core.x0 - tile.rect.x0;
  const y = tile.rect.y1 - tile.core.y1;
  return [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-apply_trc', 'iec61966_2_1', '-i', exr],
    ...['-vf', `crop=${w}:${h}:${x}:${y}`, '-frames:v', '1', '-update', '1', '-pix_fmt', 'rgba'],
    tilePreviewFile(exr),
  ];
}

/** The preview's served name (`tiles/frame_0002/tile_r0_c1.preview.png`): its path in the job's directory. */
export function tilePreviewName(jobDir: string, exr: string): string {
  return path.relative(jobDir, tilePreviewFile(exr)).split(path.sep).join('/');
}
