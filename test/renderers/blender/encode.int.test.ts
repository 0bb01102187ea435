import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { runCommand } from '../../../src/process/run.js';
import {
  countVideoFrames,
  encodeVideo,
  makeThumbnail,
} from '../../../src/renderers/blender/encode.js';
import { frameFileName, parseFrames } from '../../../src/renderers/blender/frames.js';
import {
  parseOutputPattern,
  planOutputFiles,
} from '../../../src/renderers/blender/output-pattern.js';
import { BlenderWorker, type FrameFormat } from '../../../src/renderers/blender/worker.js';
import { makeTempDir, makeTinyScene } from './tiny-scene.js';

async function videoSize(file: string): Promise<string> {
  const { stdout } = await runCommand('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height'],
    ...['-of', 'csv=p=0:s=x', file],
  ]);
  return stdout.trim();
}

describe('encode', () => {
  let dir: string;
  let worker: BlenderWorker;
  const pngFrames = parseFrames('1-9x2,12'); // 1,3,5,7,9,12: gaps on purpose
  const exrFrames = [2, 4, 6];

  async function renderAll(frames: number[], sub: string, format: FrameFormat): Promise<string> {
    const out = path.join(dir, sub);
    for (const f of frames)
      await worker.render(f, path.join(out, frameFileName(f, format)), format);
    return out;
  }

  beforeAll(async () => {
    dir = makeTempDir();
    worker = new BlenderWorker({ scene: await makeTinyScene(dir), threads: 1 });
    await worker.start();
  });

  afterAll(() => worker.stop());

  it('encodes a non-contiguous frame list to an MP4 with exactly that many frames', async () => {
    const framesDir = await renderAll(pngFrames, 'png', 'PNG');
    const output = path.join(dir, 'png.mp4');
    const result = await encodeVideo({ framesDir, frames: pngFrames, fps: 24, output });
    expect(result).toEqual({ output, frames: pngFrames.length });
    expect(await countVideoFrames(output)).toBe(pngFrames.length);
    expect(await videoSize(output)).toBe('64x36');
  });

  it('encodes EXR frames too, at a fractional frame rate', async () => {
    const framesDir = await renderAll(exrFrames, 'exr', 'OPEN_EXR');
    const output = path.join(dir, 'exr.mp4');
    await encodeVideo({ framesDir, frames: exrFrames, fps: '30000/1001', output });
    expect(await countVideoFrames(output)).toBe(exrFrames.length);
  });

  it('encodes the JPEG files an output pattern named, in frame order', async () => {
    const pattern = parseOutputPattern('//render/shot010_###', dir);
    const frames = [3, 1, 2];
    const files = planOutputFiles(pattern, frames, 'JPEG').map((f) => path.join(dir, f.name));
    for (const [i, f] of frames.entries()) await worker.render(f, files[i] as string, 'JPEG');
    const output = path.join(dir, 'jpeg.mp4');
    await encodeVideo({ framesDir: dir, frames, files, fps: 24, output });
    expect(await countVideoFrames(output)).toBe(3);
    await expect(
      encodeVideo({
        framesDir: dir,
        frames: [1, 4],
        files: [files[1] as string, 'nope.jpg'],
        fps: 24,
        output,
      }),
    ).rejects.toThrow('no rendered image for frames 4');
  });

  it('refuses to encode when frames are missing, naming them', async () => {
    const framesDir = path.join(dir, 'png');
    const encode = encodeVideo({
      framesDir,
      frames: [1, 2, 3, 4],
      fps: 24,
      output: path.join(dir, 'x.mp4'),
    });
    await expect(encode).rejects.toBeInstanceOf(UsageError);
    await expect(encode).rejects.toThrow(/for frames 2,4/);
  });

  it('makes JPEG thumbnails of PNG and EXR frames at the asked width', async () => {
    for (const [src, name] of [
      [path.join(dir, 'png', 'frame_0001.png'), 'thumb-png.jpg'],
      [path.join(dir, 'exr', 'frame_0002.exr'), 'thumb-exr.jpg'],
    ] as const) {
      const thumb = path.join(dir, name);
      await makeThumbnail(src, thumb, 32);
      expect(readFileSync(thumb).subarray(0, 3).toString('hex')).toBe('ffd8ff');
      expect(await videoSize(thumb)).toBe('32x18');
    }
  });
});
