import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countVideoFrames,
  encodeVideo,
  makeThumbnail,
} from '../../../src/renderers/blender/encode.js';
import { fileSource } from '../../../src/renderers/blender/images/bytes.js';
import { exrChannels } from '../../../src/renderers/blender/images/exr.js';
import { toWorkerOverrides } from '../../../src/renderers/blender/overrides.js';
import { BlenderWorker } from '../../../src/renderers/blender/worker.js';
import { makeTempDir, makeTinyScene } from './tiny-scene.js';

describe('multilayer EXR frames', () => {
  let dir: string;
  let worker: BlenderWorker;

  beforeAll(async () => {
    dir = makeTempDir();
    worker = new BlenderWorker({ scene: await makeTinyScene(dir), threads: 1, device: 'cpu' });
    await worker.start();
    await worker.configure(toWorkerOverrides({ format: 'OPEN_EXR_MULTILAYER' }));
  });

  afterAll(() => worker.stop());

  it("hold their channels under the view layer's name, and ffmpeg reads the combined layer into a video", async () => {
    const files = [];
    for (const f of [1, 2, 3])
      files.push((await worker.render(f, path.join(dir, 'ml', `ml_${f}.exr`))).file);
    const handle = await open(files[0] ?? '', 'r');
    const channels = await exrChannels(fileSource(handle, (await stat(files[0] ?? '')).size));
    await handle.close();
    expect(channels).toContain('ViewLayer.Combined.R');
    expect(channels).not.toContain('R');
    const output = path.join(dir, 'ml.mp4');
    await encodeVideo({
      framesDir: path.join(dir, 'ml'),
      frames: [1, 2, 3],
      files,
      fps: 24,
      output,
    });
    expect(await countVideoFrames(output)).toBe(3);
    await makeThumbnail(files[1] ?? '', path.join(dir, 'ml-thumb.jpg'));
  });
});
