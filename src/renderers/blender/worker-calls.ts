import path from 'node:path';
import type { SceneDependency } from './dependencies.js';
import type { WorkerOverrides } from './overrides.js';
import type { FrameFormat, ViewMessage, WorkerMessage } from './protocol.js';
import type {
  ConfigureResult,
  MergeOptions,
  MergeResult,
  RenderImageOptions,
  RenderResult,
  ViewResult,
} from './worker-types.js';

/** Worker answers that complete a request. */
export type Answer = Extract<
  WorkerMessage,
  { type: 'result' | 'view' | 'configured' | 'merged' | 'deps' }
>;

/** One request to the worker and how to read its answer. */
export interface WorkerCall<T> {
  request: Record<string, unknown>;
  /** What is being done, for messages: `render frame 12`, `merge still.png`. */
  label: string;
  frame: number | undefined;
  /** The files it writes: partial files beside each are removed if Blender dies. */
  outputs: string[];
  read: (msg: Answer) => T;
}

function expect<K extends Answer['type']>(
  m: Answer,
  type: K,
  what: string,
): Extract<Answer, { type: K }> {
  if (m.type !== type) throw new Error(`answered ${what} with a ${m.type} message`);
  return m as Extract<Answer, { type: K }>;
}

/** A `render` request (a frame, or one bordered tile of it). */
export function renderCall(
  frame: number,
  outputPath: string,
  format: FrameFormat | undefined,
  image: RenderImageOptions,
): WorkerCall<RenderResult> {
  const output = path.resolve(outputPath);
  const request: Record<string, unknown> = { frame, output };
  if (format !== undefined) request.format = format;
  if (image.colorDepth !== undefined) request.color_depth = String(image.colorDepth);
  if (image.colorMode !== undefined) request.color_mode = image.colorMode;
  if (image.border !== undefined) request.border = image.border;
  const outputs = [output];
  if (image.thumb !== undefined) {
    const thumb = path.resolve(image.thumb.output);
    request.thumb = { output: thumb, width: image.thumb.width };
    outputs.push(thumb);
  }
  return {
    request,
    label: `render frame ${frame}`,
    frame,
    outputs,
    read: (a) => {
      const m = expect(a, 'result', 'a frame');
      return {
        file: m.output,
        seconds: m.seconds,
        device: m.device,
        format: m.format,
        colorDepth: m.color_depth,
        thumb: m.thumb,
        thumbError: m.thumb_error,
      };
    },
  };
}

/** A `configure` request. */
export function configureCall(overrides: WorkerOverrides): WorkerCall<ConfigureResult> {
  return {
    request: { op: 'configure', overrides },
    label: 'apply the overrides',
    frame: undefined,
    outputs: [],
    read: (a) => {
      const m = expect(a, 'configured', 'configure');
      return { applied: m.applied as WorkerOverrides, device: m.device, scene: m.scene };
    },
  };
}

/** A `merge` request. */
export function mergeCall(opts: MergeOptions): WorkerCall<MergeResult> {
  const output = path.resolve(opts.output);
  const request: Record<string, unknown> = {
    op: 'merge',
    output,
    width: opts.width,
    height: opts.height,
    tiles: opts.tiles,
  };
  if (opts.format !== undefined) request.format = opts.format;
  if (opts.colorDepth !== undefined) request.color_depth = String(opts.colorDepth);
  return {
    request,
    label: `merge ${path.basename(output)}`,
    frame: undefined,
    outputs: [output],
    read: (a) => {
      const m = expect(a, 'merged', 'a merge');
      return { file: m.output, seconds: m.seconds, resolution: m.resolution };
    },
  };
}

/** A `view` request (dataset views). */
export function viewCall(matrix: number[][], outputPath: string): WorkerCall<ViewResult> {
  const output = path.resolve(outputPath);
  return {
    request: { op: 'view', matrix, output },
    label: `render view ${path.basename(output)}`,
    frame: undefined,
    outputs: [output],
    read: (a) => viewResult(expect(a, 'view', 'a view')),
  };
}

/** The view answer in the TypeScript names. */
function viewResult(m: ViewMessage): ViewResult {
  return {
    file: m.output,
    matrix: m.matrix_world,
    cameraAngleX: m.camera_angle_x,
    angleX: m.angle_x,
    resolution: m.resolution,
    seconds: m.seconds,
    device: m.device,
  };
}

/** A `deps` request: every file the loaded scene needs (blender-python/ct_deps.py). */
export function depsCall(): WorkerCall<SceneDependency[]> {
  return {
    request: { op: 'deps' },
    label: "list the scene's files",
    frame: undefined,
    outputs: [],
    read: (a) => expect(a, 'deps', 'deps').files,
  };
}
