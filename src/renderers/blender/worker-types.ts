import type { ImageFormat } from './formats.js';
import type { WorkerOverrides } from './overrides.js';
import type { RenderDevice, SceneInfo } from './protocol.js';
import type { RenderBorder } from './tiles.js';
import type { BlenderProcess, BlenderProcessOptions } from './worker-process.js';

/** How to start a Blender worker. */
export interface BlenderWorkerOptions extends BlenderProcessOptions {
  /** How long the scene may take to load; default 120 s. */
  readyTimeoutMs?: number;
  /** Kill the worker when one frame takes longer; default none (frames may take hours). */
  frameTimeoutMs?: number;
  /** Called with each line Blender prints (not the protocol lines). */
  onLine?: (line: string) => void;
  /**
   * A process `spawnBlenderProcess` started already for this scene (an agent starts Blender
   * before it has loaded): `start()` takes it over instead of spawning one.
   */
  process?: BlenderProcess;
}

/** How one frame is written, beyond its format (default: what `configure` set, else PNG 8-bit). */
export interface RenderImageOptions {
  /** Bits per channel; default the configured depth for the configured format, else the format's. */
  colorDepth?: number;
  /** Default the scene's own colour mode where the format allows it. */
  colorMode?: 'RGB' | 'RGBA';
  /** Render only this part of the frame, cropped to it (one tile of a still). */
  border?: RenderBorder;
  /** Also write a JPEG thumbnail of the frame, `width` pixels wide (8-bit formats only). */
  thumb?: { output: string; width: number };
}

/** One rendered frame. */
export interface RenderResult {
  file: string;
  seconds: number;
  /** Cycles device that rendered it: `CPU`, `CUDA`, `OPTIX` (`NONE` for other engines). */
  device: string;
  /** File format and colour depth Blender wrote, as it names them. */
  format?: string;
  colorDepth?: string;
  /** The thumbnail asked for, when Blender wrote it (8-bit frames); or why it could not. */
  thumb?: string;
  thumbError?: string;
}

/** What a `configure` put in force, as Blender holds it now. */
export interface ConfigureResult {
  applied: WorkerOverrides;
  device: RenderDevice;
  /** The scene with the overrides applied (its resolution percentage, samples, camera). */
  scene: SceneInfo;
}

/** One tile of a merge: its float EXR, where it sits (bottom-left, y up) and what it gives. */
export interface MergeTile {
  file: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** [x0, y0, x1, y1] in the full image: the pixels taken from this tile. */
  core: [number, number, number, number];
}

/** A merge of tiles into one image of `width`×`height`, saved as the scene saves a render. */
export interface MergeOptions {
  output: string;
  width: number;
  height: number;
  tiles: MergeTile[];
  /** Default the configured format and depth. */
  format?: ImageFormat;
  colorDepth?: number;
}

/** One merged still. */
export interface MergeResult {
  file: string;
  seconds: number;
  resolution: [number, number];
}

/** One rendered view: what Blender reports of the camera it used. */
export interface ViewResult {
  file: string;
  /** Camera-to-world, rows, as Blender read it back after the render. */
  matrix: number[][];
  /** Horizontal field of view in radians. */
  cameraAngleX: number;
  /** The camera data's `angle_x`. */
  angleX: number;
  resolution: [number, number];
  seconds: number;
  device: string;
}
