import { BlenderWorker } from './worker.js';
import type { RenderDevice, SceneInfo } from './protocol.js';

/** What `probeScene` learns about a .blend without rendering it. */
export interface SceneProbe {
  scene: SceneInfo;
  /** Frames per second as ffmpeg reads it: `fps/fps_base` (e.g. `24/1`). */
  frameRate: string;
  /** Denoising settings that were on (the worker turns them off to render here). */
  denoisingWasOn: string[];
  device: RenderDevice;
  blender: string;
}

/**
 * Loads `scene` in a Blender worker on the CPU, reads its ready line and quits: fps, frame
 * range, resolution, engine, without rendering a frame. About a second for a small scene.
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
    return {
      scene: ready.scene,
      frameRate: `${ready.scene.fps}/${ready.scene.fps_base}`,
      denoisingWasOn: ready.denoising.disabled,
      device: ready.device,
      blender: ready.blender,
    };
  } finally {
    await worker.stop();
  }
}
