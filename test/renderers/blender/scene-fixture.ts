import type { SceneInfo } from '../../../src/renderers/blender/protocol.js';

/** Scene facts as the worker's ready line gives them for a small Cycles scene with two cameras. */
export function sceneInfo(changes: Partial<SceneInfo> = {}): SceneInfo {
  return {
    name: 'Scene',
    file: '/scenes/shot.blend',
    fps: 24,
    fps_base: 1,
    frame_start: 1,
    frame_end: 10,
    frame_step: 1,
    resolution_x: 64,
    resolution_y: 36,
    resolution_percentage: 100,
    engine: 'CYCLES',
    threads: 1,
    output_path: '//render/shot_####',
    file_format: 'PNG',
    color_depth: '8',
    use_border: false,
    camera: 'CamRed',
    cameras: ['CamBlue', 'CamRed'],
    camera_markers: false,
    samples: 4,
    samples_max: 16777216,
    samples_animated: false,
    ...changes,
  };
}
