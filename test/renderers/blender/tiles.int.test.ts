import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/process/run.js';
import { finalResolution, toWorkerOverrides } from '../../../src/renderers/blender/overrides.js';
import {
  mergeStill,
  mergeTiles,
  renderTiles,
  stillTiles,
  type TileTaskPayload,
} from '../../../src/renderers/blender/still.js';
import { BlenderWorker } from '../../../src/renderers/blender/worker.js';
import { diffImages } from './image-diff.js';
import { readPng } from './png-read.js';
import { makeTempDir, makeTinyScene } from './tiny-scene.js';

const FRAME = 5;

/** Largest and mean difference of two 8-bit PNGs of one size, in 1/255 steps. */
function pngDiff(a: string, b: string): { max: number; mean: number } {
  const pa = readPng(a);
  const pb = readPng(b);
  expect([pb.width, pb.height]).toEqual([pa.width, pa.height]);
  let max = 0;
  let sum = 0;
  let n = 0;
  for (let y = 0; y < pa.height; y++)
    for (let x = 0; x < pa.width; x++) {
      const va = pa.pixel(x, y);
      const vb = pb.pixel(x, y);
      va.forEach((v, i) => {
        const d = Math.abs(v - (vb[i] ?? 0));
        max = Math.max(max, d);
        sum += d;
        n++;
      });
    }
  return { max, mean: sum / n };
}

describe('tiled stills', () => {
  let dir: string;
  let scene: string;
  const workers: BlenderWorker[] = [];

  async function started(overrides: Parameters<typeof toWorkerOverrides>[0]) {
    const w = new BlenderWorker({ scene, threads: 1, device: 'cpu', readyTimeoutMs: 60_000 });
    workers.push(w);
    await w.start();
    const c = await w.configure(toWorkerOverrides(overrides));
    return { worker: w, scene: c.scene };
  }

  beforeAll(async () => {
    dir = makeTempDir();
    scene = await makeTinyScene(dir);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop(2_000)));
  });

  it('renders a 4x4 tiled still, tiles split over two Blenders, that matches one render of the frame', async () => {
    const overrides = { samples: 16 };
    const [a, b] = await Promise.all([started(overrides), started(overrides)]);
    const [width, height] = finalResolution(a.scene);
    const tilesDir = path.join(dir, 'tiles');
    const base = { scene, frame: FRAME, width, height, columns: 4, rows: 4, overlap: 8, tilesDir };
    const all = stillTiles(base).map((t) => t.index);
    const job = (tiles: number[]): TileTaskPayload => ({ ...base, tiles, overrides });
    await Promise.all([
      renderTiles(a.worker, job(all.filter((i) => i % 2 === 0))),
      renderTiles(b.worker, job(all.filter((i) => i % 2 === 1))),
    ]);
    const exr = await mergeStill(a.worker, {
      ...base,
      output: path.join(dir, 'still.exr'),
      overrides: { ...overrides, format: 'OPEN_EXR', colorDepth: 32 },
    });
    const png = await mergeStill(a.worker, { ...base, output: path.join(dir, 'still.png') });
    expect(exr.resolution).toEqual([64, 36]);
    const fullExr = await a.worker.render(FRAME, path.join(dir, 'full.exr'), 'OPEN_EXR', {
      colorDepth: 32,
      colorMode: 'RGBA',
    });
    const fullPng = await a.worker.render(FRAME, path.join(dir, 'full.png'), 'PNG');

    // Scene-linear floats: Cycles gives each pixel the same samples whichever tile renders it.
    const float = await diffImages(fullExr.file, exr.file);
    // 8-bit: both are the same floats through the same view transform; only Blender's dither
    // (render.dither_intensity, 1 by default) adds its own noise to each.
    const bytes = pngDiff(fullPng.file, png.file);
    console.log(
      `4x4 tiles vs one render: EXR max ${float.max} mean ${float.mean}; ` +
        `PNG max ${bytes.max}/255 mean ${bytes.mean.toFixed(4)}/255`,
    );
    expect(float).toMatchObject({ width: 64, height: 36, max: 0 });
    expect(bytes.max).toBeLessThanOrEqual(2);
    expect(bytes.mean).toBeLessThan(1);
  });

  it('stitches an odd-sized frame (110 %) to exactly its size, equal to one render', async () => {
    const { worker, scene: s } = await started({ samples: 4, resolutionPercentage: 110 });
    const [width, height] = finalResolution(s);
    expect([width, height]).toEqual([70, 39]);
    const tilesDir = path.join(dir, 'odd-tiles');
    const base = { scene, frame: FRAME, width, height, columns: 3, rows: 3, overlap: 5, tilesDir };
    await renderTiles(worker, { ...base, tiles: stillTiles(base).map((t) => t.index) });
    const still = await mergeStill(worker, {
      ...base,
      output: path.join(dir, 'odd.exr'),
      overrides: { format: 'OPEN_EXR', colorDepth: 32 },
    });
    const full = await worker.render(FRAME, path.join(dir, 'odd-full.exr'), 'OPEN_EXR', {
      colorDepth: 32,
      colorMode: 'RGBA',
    });
    expect(await diffImages(full.file, still.file)).toMatchObject({
      width: 70,
      height: 39,
      max: 0,
    });
  });

  it('keeps tile edges equal to one render with adaptive sampling on, thanks to the overlap', async () => {
    // Adaptive sampling looks at a pixel's neighbours; without overlap a few edge pixels differ.
    const adaptive = path.join(dir, 'adaptive.blend');
    const expr =
      'import bpy; s = bpy.context.scene; s.animation_data_clear(); s.cycles.samples = 64; ' +
      's.cycles.use_adaptive_sampling = True; s.cycles.adaptive_threshold = 0.05; ' +
      `bpy.ops.wm.save_as_mainfile(filepath=${JSON.stringify(adaptive)})`;
    await runCommand('blender', ['-b', '--factory-startup', scene, '--python-expr', expr]);
    const worker = new BlenderWorker({ scene: adaptive, threads: 1, device: 'cpu' });
    workers.push(worker);
    await worker.start();
    const tilesDir = path.join(dir, 'adaptive-tiles');
    const base = { scene: adaptive, frame: FRAME, width: 64, height: 36, columns: 4, rows: 4 };
    const geometry = { ...base, overlap: 8, tilesDir };
    await renderTiles(worker, { ...geometry, tiles: stillTiles(geometry).map((t) => t.index) });
    const exr = { format: 'OPEN_EXR', colorDepth: 32 } as const;
    const still = await mergeStill(worker, {
      ...geometry,
      output: path.join(dir, 'ad.exr'),
      overrides: exr,
    });
    const full = await worker.render(FRAME, path.join(dir, 'ad-full.exr'), 'OPEN_EXR', {
      colorDepth: 32,
      colorMode: 'RGBA',
    });
    expect(await diffImages(full.file, still.file)).toMatchObject({ max: 0 });
  });

  it('refuses to merge tiles that leave part of the image uncovered', async () => {
    const { worker } = await started({ samples: 1 });
    const tilesDir = path.join(dir, 'tiles');
    const base = { width: 64, height: 36, columns: 4, rows: 4, overlap: 8 };
    const tiles = mergeTiles(stillTiles(base), FRAME, tilesDir).slice(1);
    await expect(
      worker.merge({ output: path.join(dir, 'gap.png'), width: 64, height: 36, tiles }),
    ).rejects.toThrow(
      /could not merge gap\.png: ValueError: the tile cores cover 2160 pixels of 2304/,
    );
  });
});
