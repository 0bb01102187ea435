import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobDetail, SubmitRequest } from '../src/api/types.js';
import { startCoordinator } from '../src/coordinator/service.js';
import { ensureSampleScene } from '../src/renderers/blender/sample-scene.js';
import { probeScene } from '../src/renderers/blender/scene-info.js';
import { apiOf } from './api.js';
import type { BenchContext } from './context.js';
import type { BenchPort } from './coordinator-port.js';
import { BenchError } from './errors.js';

const LEG = 'still';

/** The heavy frame: the sample scene's first frame at this size and sample count. */
export interface StillSettings {
  width: number;
  height: number;
  samples: number;
  /** The grid, `4x4`. */
  tiles: string;
}

/** Default: a frame of about a minute on one slot, split 4x4. */
export const DEFAULT_STILL: StillSettings = { width: 480, height: 270, samples: 256, tiles: '4x4' };

/** One heavy frame rendered whole on one GPU and as tiles on every slot. */
export interface TiledStillResult {
  settings: StillSettings;
  slots: number;
  /** Submit to the image on disk, seconds. */
  singleSeconds: number;
  tiledSeconds: number;
  /** Blender's own render seconds: the whole frame, and summed over the tiles. */
  singleRenderSeconds: number;
  tileRenderSeconds: number;
  tileTasks: number;
}

/** The speed-up, and what tiling itself costs in render time (overlap, per-tile setup). */
export function formatTiledStill(r: TiledStillResult): string {
  const speedup = r.singleSeconds / r.tiledSeconds;
  return [
    `one frame at ${r.settings.width}×${r.settings.height}, ${r.settings.samples} samples`,
    `  one GPU:               ${r.singleSeconds.toFixed(1)} s (Blender ${r.singleRenderSeconds.toFixed(1)} s)`,
    `  ${r.settings.tiles} tiles on ${r.slots} slots: ${r.tiledSeconds.toFixed(1)} s (${r.tileTasks} tasks, Blender ${r.tileRenderSeconds.toFixed(1)} s in all)`,
    `  speed-up:              ${speedup.toFixed(2)}× (goal: close to ${r.slots}, the number of slots)`,
    `  tiling's render cost:  ${(r.tileRenderSeconds / r.singleRenderSeconds).toFixed(2)}× the whole frame's`,
  ].join('\n');
}

/**
 * The tiled-still leg: the same heavy frame through our coordinator twice on the bench cluster,
 * first whole on one node's one GPU (`submit blender --frames 1`), then as tiles on every slot
 * (`submit blender-still --tiles 4x4`). Each is timed from the submission to its image on
 * disk, so both pay one allocation start and one Blender load per agent.
 */
export async function benchTiledStill(
  ctx: BenchContext,
  settings: StillSettings = DEFAULT_STILL,
): Promise<TiledStillResult> {
  const scene = await ensureSampleScene(path.join(ctx.workDir, 'still', 'heavy.blend'), {
    frames: 1,
    width: settings.width,
    height: settings.height,
    cheapSamples: settings.samples,
    expensiveSamples: settings.samples,
  });
  const sceneInfo = (await probeScene(scene)).scene;
  const previousThreads = process.env.CT_BLENDER_THREADS;
  process.env.CT_BLENDER_THREADS = '1';
  const running = await startCoordinator({
    stateDir: path.join(ctx.workDir, 'still-state'),
    port: 0,
    slurmConf: ctx.bench.cluster.layout.slurmConf,
    partition: 'gpu',
    log: (l) => ctx.log(`coordinator: ${l}`),
  });
  const api = apiOf(running);
  // The tile times are in the tasks' results, which the API does not show.
  const port: BenchPort = running.coordinator;
  /** Runs one job to its end; returns seconds from submit to `file`, and its tasks. */
  const timed = async (req: SubmitRequest, file: string, stage: string) => {
    const t0 = Date.now();
    const job = await api<JobDetail>('POST', '/api/jobs', req);
    const deadline = t0 + 20 * 60_000;
    for (;;) {
      const d = await api<JobDetail>('GET', `/api/jobs/${job.id}`);
      if (d.state === 'succeeded') break;
      if (d.state !== 'running' && d.state !== 'queued')
        throw new BenchError(LEG, `job ${job.id} ${d.state}: ${d.error ?? ''}`);
      if (Date.now() > deadline) {
        await api('POST', `/api/jobs/${job.id}/cancel`);
        throw new BenchError(LEG, `job ${job.id} did not finish within 20 minutes; cancelled it`);
      }
      await sleep(1_000);
    }
    const tasks = port.store.tasks.list(job.id, { stage }).tasks;
    return { seconds: (statSync(file).mtimeMs - t0) / 1000, tasks };
  };
  try {
    const whole = path.join(ctx.workDir, 'still', 'whole');
    const tiled = path.join(ctx.workDir, 'still', 'tiled');
    mkdirSync(whole, { recursive: true });
    mkdirSync(tiled, { recursive: true });
    ctx.log(`still: frame 1 whole on one GPU (${settings.width}×${settings.height})`);
    const base = { scene, sceneInfo, outputDir: whole, outputPattern: 'still_####' };
    const single = await timed(
      { kind: 'blender', ...base, frames: '1', nodes: 1, gpusPerNode: 1 },
      path.join(whole, 'still_0001.png'),
      'render',
    );
    ctx.log(`still: one GPU ${single.seconds.toFixed(1)} s`);
    ctx.log(`still: ${settings.tiles} tiles on ${ctx.slots} slots`);
    const still = await timed(
      {
        kind: 'blender-still',
        ...base,
        outputDir: tiled,
        frame: 1,
        tiles: settings.tiles,
        nodes: ctx.bench.options.nodes,
        gpusPerNode: Math.max(1, ctx.bench.options.gpusPerNode),
      },
      path.join(tiled, 'still_0001.png'),
      'tiles',
    );
    ctx.log(`still: tiled ${still.seconds.toFixed(1)} s`);
    const frameSeconds = (t: { result: Record<string, unknown> | null }) =>
      Object.values((t.result?.frames ?? {}) as Record<string, { seconds: number }>).reduce(
        (s, f) => s + f.seconds,
        0,
      );
    const tileSeconds = (t: { result: Record<string, unknown> | null }) =>
      ((t.result?.tiles ?? []) as { seconds: number }[]).reduce((s, x) => s + x.seconds, 0);
    return {
      settings,
      slots: ctx.slots,
      singleSeconds: single.seconds,
      tiledSeconds: still.seconds,
      singleRenderSeconds: single.tasks.reduce((s, t) => s + frameSeconds(t), 0),
      tileRenderSeconds: still.tasks.reduce((s, t) => s + tileSeconds(t), 0),
      tileTasks: still.tasks.length,
    };
  } finally {
    await running.close();
    if (previousThreads === undefined) delete process.env.CT_BLENDER_THREADS;
    else process.env.CT_BLENDER_THREADS = previousThreads;
  }
}
