import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  tilePreviewArgs,
  tilePreviewFile,
  tilePreviewName,
} from '../../src/renderers/blender/tile-preview.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-tile-preview-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a tile's preview", () => {
  it('is a PNG of the tile core beside its EXR, made by the real ffmpeg, served by its name in the job', () => {
    // A float EXR as a tile with its overlap: 80×60 pixels, the core 64×36 of them.
    const exr = path.join(dir, 'tiles', 'frame_0002', 'tile_r1_c0.exr');
    execFileSync('mkdir', ['-p', path.dirname(exr)]);
    execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=size=80x60'],
      ...['-frames:v', '1', '-pix_fmt', 'gbrapf32le', exr],
    ]);
    const tile = {
      rect: { x0: 56, y0: 28, x1: 136, y1: 88 },
      core: { x0: 64, y0: 36, x1: 128, y1: 72 },
    };
    execFileSync('ffmpeg', tilePreviewArgs(exr, tile));
    const png = tilePreviewFile(exr);
    expect(png).toBe(path.join(dir, 'tiles', 'frame_0002', 'tile_r1_c0.preview.png'));
    const probe = execFileSync('ffprobe', [
      ...['-v', 'error', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', png],
    ]).toString();
    expect(probe.trim()).toBe('png,64,36');
    // The crop starts past the overlap: 8 px in, 16 px down (the EXR's rows run top down).
    expect(tilePreviewArgs(exr, tile)).toContain('crop=64:36:8:16');
    expect(tilePreviewName(dir, exr)).toBe('tiles/frame_0002/tile_r1_c0.preview.png');
  });
});
