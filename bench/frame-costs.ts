import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlenderWorker, frameFileName } from '../src/renderers/blender/worker.js';

/** Blender's own render time of one frame. */
export interface FrameCost {
  frame: number;
  /** Seconds Blender spent rendering and writing the frame, scene load excluded. */
  seconds: number;
}

/** What `measureFrameCosts` renders. */
export interface FrameCostOptions {
  scene: string;
  frames: readonly number[];
  /** Blender binary; default `blender`. */
  blender?: string;
  /** Where the images go; default a temporary directory, removed afterwards. */
  outDir?: string;
  /** Called after each frame, e.g. for progress. */
  onFrame?: (cost: FrameCost, done: number) => void;
}

/**
 * Renders every frame once through one persistent Blender worker on one thread (CPU) and
 * returns each frame's render time as the worker reports it: the scene's per-frame cost
 * profile, without Blender's start-up and scene load.
 */
export async function measureFrameCosts(opts: FrameCostOptions): Promise<FrameCost[]> {
  const outDir = opts.outDir ?? (await mkdtemp(path.join(tmpdir(), 'ct-bench-costs-')));
  const worker = new BlenderWorker({
    scene: opts.scene,
    threads: 1,
    device: 'cpu',
    blender: opts.blender,
  });
  try {
    await mkdir(outDir, { recursive: true });
    await worker.start();
    const costs: FrameCost[] = [];
    for (const frame of opts.frames) {
      const r = await worker.render(frame, path.join(outDir, frameFileName(frame, 'PNG')));
      const cost = { frame, seconds: r.seconds };
      costs.push(cost);
      opts.onFrame?.(cost, costs.length);
    }
    return costs;
  } finally {
    await worker.stop();
    if (opts.outDir === undefined) await rm(outDir, { recursive: true, force: true });
  }
}
