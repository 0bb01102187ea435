import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOverrides, toWorkerOverrides } from '../../../src/renderers/blender/overrides.js';
import { wholeFrames } from '../../../src/renderers/blender/resume.js';
import { probeScene, type SceneProbe } from '../../../src/renderers/blender/scene-info.js';
import { BlenderWorker } from '../../../src/renderers/blender/worker.js';
import { readPng } from './png-read.js';
import { EXPENSIVE_FRAME, makeCameraScene, makeTempDir, makeTinyScene } from './tiny-scene.js';

/** Red, green, blue of the centre pixel of an 8-bit PNG. */
function centre(file: string): number[] {
  const png = readPng(file);
  return png.pixel(png.width >> 1, png.height >> 1).slice(0, 3);
}

describe('render overrides in the loaded Blender', () => {
  let dir: string;
  let cams: string;
  let tiny: string;
  let probe: SceneProbe;
  const workers: BlenderWorker[] = [];

  async function started(scene: string): Promise<BlenderWorker> {
    const w = new BlenderWorker({ scene, threads: 1, device: 'cpu', readyTimeoutMs: 60_000 });
    workers.push(w);
    await w.start();
    return w;
  }

  beforeAll(async () => {
    dir = makeTempDir();
    [cams, tiny] = await Promise.all([makeCameraScene(dir), makeTinyScene(dir)]);
    probe = await probeScene(cams);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(2_000)));
  });

  it('probes the cameras, output path, frame range, resolution and engine', () => {
    expect(probe).toMatchObject({
      cameras: ['CamBlue', 'CamRed'],
      camera: 'CamRed',
      outputPath: '//render/shot_####',
      frames: { start: 1, end: 10, step: 1 },
      resolution: [64, 36],
      engine: 'CYCLES',
    });
    expect(probe.scene).toMatchObject({ samples: 4, samples_animated: false, file_format: 'PNG' });
  });

  it('turns bad values into clear errors at submit time from the probe alone', () => {
    const errors = checkOverrides(probe, {
      camera: 'CamGreen',
      samples: -1,
      format: 'JPEG',
      colorDepth: 32,
    });
    expect(errors.map((e) => e.message)).toEqual([
      'samples -1: give a whole number from 1 to 16777216',
      'camera "CamGreen": the scene has no camera object of that name; it has "CamBlue", "CamRed"',
      'color depth 32: JPEG is written at 8 bits; use PNG or OPEN_EXR for more',
    ]);
  });

  it('renders through the camera asked for, and back through the scene camera after', async () => {
    const w = await started(cams);
    const red = await w.render(1, path.join(dir, 'cam', 'red.png'));
    const [r, g, b] = centre(red.file);
    expect(r).toBeGreaterThan(200);
    expect(Math.max(g ?? 0, b ?? 0)).toBeLessThan(30);
    const c = await w.configure(toWorkerOverrides({ camera: 'CamBlue' }));
    expect(c.applied).toEqual({ camera: 'CamBlue' });
    expect(c.scene.camera).toBe('CamBlue');
    const blue = centre((await w.render(1, path.join(dir, 'cam', 'blue.png'))).file);
    expect(blue[2]).toBeGreaterThan(200);
    expect(Math.max(blue[0] ?? 0, blue[1] ?? 0)).toBeLessThan(30);
    await w.configure({});
    expect(
      centre((await w.render(1, path.join(dir, 'cam', 'red-again.png'))).file)[0],
    ).toBeGreaterThan(200);
  });

  it('renders at the resolution percentage asked for', async () => {
    const w = await started(cams);
    const c = await w.configure(toWorkerOverrides({ resolutionPercentage: 50 }));
    expect(c.applied.resolution_percentage).toBe(50);
    const png = readPng((await w.render(1, path.join(dir, 'pct', 'half.png'))).file);
    expect([png.width, png.height]).toEqual([32, 18]);
  });

  it('overrides keyframed samples, as the saved file metadata shows', async () => {
    const w = await started(tiny);
    expect(w.info.scene.samples_animated).toBe(true);
    // Frame 17 is keyed to 4000 samples; the override makes it 3, and quick.
    await w.configure(toWorkerOverrides({ samples: 3 }));
    const start = Date.now();
    const r = await w.render(EXPENSIVE_FRAME, path.join(dir, 'samples', 'f17.png'));
    expect(Date.now() - start).toBeLessThan(20_000);
    expect(readPng(r.file).text['cycles.ViewLayer.samples']).toBe('3');
    await w.configure({});
    const cheap = await w.render(1, path.join(dir, 'samples', 'f1.png'));
    expect(readPng(cheap.file).text['cycles.ViewLayer.samples']).toBe('1');
  });

  it('writes JPEG, 16-bit PNG, 32-bit EXR and multilayer EXR, each whole', async () => {
    const w = await started(cams);
    const out = path.join(dir, 'formats');
    await w.configure(toWorkerOverrides({ format: 'JPEG' }));
    const jpg = await w.render(1, path.join(out, 'f.jpg'));
    expect(jpg).toMatchObject({ format: 'JPEG', colorDepth: '8' });
    expect(readFileSync(jpg.file).subarray(0, 3).toString('hex')).toBe('ffd8ff');
    await w.configure(toWorkerOverrides({ format: 'PNG', colorDepth: 16 }));
    expect(readPng((await w.render(1, path.join(out, 'f.png'))).file).bitDepth).toBe(16);
    await w.configure(toWorkerOverrides({ format: 'OPEN_EXR', colorDepth: 32 }));
    const exr = await w.render(1, path.join(out, 'f.exr'));
    expect(exr).toMatchObject({ format: 'OPEN_EXR', colorDepth: '32' });
    await w.configure(toWorkerOverrides({ format: 'OPEN_EXR_MULTILAYER' }));
    const multi = await w.render(1, path.join(out, 'multi.exr'));
    expect(readFileSync(multi.file).includes('ViewLayer.Combined.R')).toBe(true);
    for (const [name, format] of [
      ['f.jpg', 'JPEG'],
      ['f.png', 'PNG'],
      ['f.exr', 'OPEN_EXR'],
      ['multi.exr', 'OPEN_EXR_MULTILAYER'],
    ] as const) {
      const cut = `cut-${name}`;
      copyFileSync(path.join(out, name), path.join(out, cut));
      const bytes = readFileSync(path.join(out, cut));
      writeFileSync(path.join(out, cut), bytes.subarray(0, Math.floor(bytes.length * 0.9)));
      const scan = await wholeFrames(out, [name, cut], format, { size: [64, 36] });
      expect(scan.whole, `${format} as Blender wrote it`).toEqual([name]);
      expect(scan.broken.map((b) => b.name)).toEqual([cut]);
    }
  });

  it('refuses a bad camera, depth or device in the worker too, and keeps the scene as loaded', async () => {
    const w = await started(cams);
    await expect(w.configure({ camera: 'CamGreen', resolution_percentage: 50 })).rejects.toThrow(
      /could not apply the overrides: ValueError: camera 'CamGreen': no such camera in the scene; it has \['CamBlue', 'CamRed'\]/,
    );
    await expect(w.configure({ format: 'JPEG', color_depth: '16' })).rejects.toThrow(
      /color_depth 16 is not offered for JPEG/,
    );
    // This machine has no GPU Cycles can use: asking for one fails the configure, not the worker.
    await expect(w.configure({ device: 'gpu', samples: 2 })).rejects.toThrow(
      /no CUDA\/OptiX device/,
    );
    const after = await w.render(1, path.join(dir, 'after-bad', 'f.png'));
    expect(after.device).toBe('CPU');
    const png = readPng(after.file);
    expect([png.width, png.height]).toEqual([64, 36]);
    expect(png.text['cycles.ViewLayer.samples']).toBe('4');
  });
});
