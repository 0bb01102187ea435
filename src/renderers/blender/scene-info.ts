import type { SceneDependency } from './dependencies.js';
import type { SceneDenoising } from './denoiser.js';
import { missingEngineOf } from './engines.js';
import { finalResolution } from './overrides.js';
import { BlenderWorker } from './worker.js';
import type { RenderDevice, SceneInfo } from './protocol.js';

/** What `probeScene` learns about a .blend without rendering it. */
export interface SceneProbe {
  /** Everything the worker's ready line says of the scene (cameras, samples, output path ...),
   * with its files and denoising (what a submit sends as `sceneInfo`). */
  scene: SceneInfo;
  /** Every file outside the .blend the scene needs (blender-python/ct_deps.py). */
  dependencies: SceneDependency[];
  /** Where the scene turns denoising on, with which denoiser, and what this Blender can run. */
  denoising: SceneDenoising;
  /** Frames per second as ffmpeg reads it: `fps/fps_base` (e.g. `24/1`). */
  frameRate: string;
  /** `scene.render.filepath`: Blender's output pattern, '' when none (see output-pattern.ts). */
  outputPath: string;
  /** Camera objects by name, and the active one (null when the scene has none). */
  cameras: string[];
  camera: string | null;
  /** The scene's frame range and step. */
  frames: { start: number; end: number; step: number };
  /** The image size a render writes: resolution × percentage, rounded down as Blender does. */
  resolution: [number, number];
  engine: string;
  /** Denoising settings that were on (the worker turns them off to render here). */
  denoisingWasOn: string[];
  device: RenderDevice;
  blender: string;
}

/**
 * Loads `scene` in a Blender worker on the CPU, reads its ready line, asks for the files it needs
 * and quits: fps, frame range, resolution, engine, cameras, output path, samples, denoising and
 * files, without rendering a frame. About a second for a small scene.
 */
export async function probeScene(
  scene: string,
  opts: { blender?: string; timeoutMs?: number } = {},
): Promise<SceneProbe> {
  const worker = new BlenderWorker({
    scene,
    device: 'cpu',
    blender: opts.blender,
    readyTimeoutMs: opts.timeoutMs ?? 120_000,
  });
  try {
    const ready = await worker.start();
    // Blender names an engine it lacks only as it loads the file, before the worker runs.
    const engineMissing = missingEngineOf(worker.logTail());
    const dependencies = await worker.dependencies();
    const d = ready.denoising;
    const denoising: SceneDenoising = {
      asked: d.asked ?? d.disabled,
      denoiser: d.denoiser ?? null,
      available: d.available ?? [],
    };
    const s: SceneInfo = {
      ...ready.scene,
      engine_missing: engineMissing,
      dependencies,
      denoising,
    };
    return {
      scene: s,
      dependencies,
      denoising,
      frameRate: `${s.fps}/${s.fps_base}`,
      outputPath: s.output_path,
      cameras: s.cameras,
      camera: s.camera,
      frames: { start: s.frame_start, end: s.frame_end, step: s.frame_step },
      resolution: finalResolution(s),
      engine: s.engine,
      denoisingWasOn: ready.denoising.disabled,
      device: ready.device,
      blender: ready.blender,
    };
  } finally {
    await worker.stop();
  }
}
