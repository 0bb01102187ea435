import { describe, expect, it } from 'vitest';
import {
  checkOverrides,
  finalResolution,
  renderOverridesSchema,
  sceneFrames,
  stepFrames,
  toWorkerOverrides,
} from '../../../src/renderers/blender/overrides.js';
import { sceneInfo } from './scene-fixture.js';

const probe = { scene: sceneInfo() };

function messages(o: Parameters<typeof checkOverrides>[1], p = probe): string[] {
  return checkOverrides(p, o).map((e) => `${e.field}: ${e.message}`);
}

describe('checkOverrides', () => {
  it('accepts values the scene can take', () => {
    expect(
      checkOverrides(probe, {
        resolutionPercentage: 50,
        samples: 64,
        camera: 'CamBlue',
        frameStep: 2,
        device: 'gpu',
        format: 'OPEN_EXR',
        colorDepth: 32,
      }),
    ).toEqual([]);
    expect(checkOverrides(probe, {})).toEqual([]);
  });

  it('names a camera the scene does not have, and the ones it has', () => {
    expect(messages({ camera: 'Cam3' })).toEqual([
      'camera: camera "Cam3": the scene has no camera object of that name; it has "CamBlue", "CamRed"',
    ]);
  });

  it('refuses samples below 1 or past the engine maximum, and samples for Workbench', () => {
    expect(messages({ samples: -1 })).toEqual([
      'samples: samples -1: give a whole number from 1 to 16777216',
    ]);
    expect(messages({ samples: 2.5 })[0]).toMatch(/whole number/);
    const workbench = {
      scene: sceneInfo({ engine: 'BLENDER_WORKBENCH', samples: null, samples_max: null }),
    };
    expect(messages({ samples: 8 }, workbench)).toEqual([
      'samples: samples: the scene renders with BLENDER_WORKBENCH, which has no sample count',
    ]);
  });

  it('checks the colour depth against the format', () => {
    expect(messages({ format: 'JPEG', colorDepth: 32 })).toEqual([
      'colorDepth: color depth 32: JPEG is written at 8 bits; use PNG or OPEN_EXR for more',
    ]);
    expect(messages({ colorDepth: 32 })).toEqual([
      'colorDepth: color depth 32: PNG is written at 8 or 16 bits',
    ]);
    expect(messages({ format: 'OPEN_EXR_MULTILAYER', colorDepth: 8 })[0]).toMatch(/16 or 32 bits/);
    expect(messages({ format: 'PNG', colorDepth: 16 })).toEqual([]);
  });

  it('refuses unknown formats and devices, and a device for engines other than Cycles', () => {
    expect(messages({ format: 'TIFF' })).toEqual([
      'format: format "TIFF": use one of PNG, JPEG, OPEN_EXR, OPEN_EXR_MULTILAYER',
    ]);
    expect(messages({ device: 'tpu' })).toEqual(['device: device "tpu": use gpu, cpu or auto']);
    const eevee = { scene: sceneInfo({ engine: 'BLENDER_EEVEE' }) };
    expect(messages({ device: 'cpu' }, eevee)[0]).toMatch(/only Cycles chooses a device/);
    expect(messages({ device: 'auto' }, eevee)).toEqual([]);
  });

  it('refuses a percentage that leaves no pixels, saying the least that works', () => {
    expect(messages({ resolutionPercentage: 0 })[0]).toMatch(/from 1 to 32767/);
    expect(messages({ resolutionPercentage: 2 })).toEqual([
      'resolutionPercentage: resolution percentage 2: the 64×36 image would have no pixels; give at least 3',
    ]);
  });

  it('refuses a frame step below 1', () => {
    expect(messages({ frameStep: 0 })).toEqual([
      'frameStep: frame step 0: give a whole number, 1 or more',
    ]);
  });

  it('reports every bad field at once', () => {
    expect(
      checkOverrides(probe, { samples: 0, camera: 'x', format: 'JPEG', colorDepth: 16 }).map(
        (e) => e.field,
      ),
    ).toEqual(['samples', 'camera', 'colorDepth']);
  });
});

describe('renderOverridesSchema', () => {
  it('refuses fields it does not know', () => {
    expect(renderOverridesSchema.safeParse({ sample: 3 }).success).toBe(false);
    expect(renderOverridesSchema.safeParse({ samples: 3 }).success).toBe(true);
  });
});

describe('toWorkerOverrides', () => {
  it('uses the worker names, a string depth, and leaves the frame step to the planner', () => {
    expect(
      toWorkerOverrides({
        resolutionPercentage: 50,
        samples: 8,
        frameStep: 2,
        colorDepth: 16,
        format: 'PNG',
      }),
    ).toEqual({ resolution_percentage: 50, samples: 8, color_depth: '16', format: 'PNG' });
  });
});

describe('frames', () => {
  it('rounds the final resolution down as Blender does', () => {
    expect(finalResolution(sceneInfo({ resolution_x: 65, resolution_y: 37 }), 50)).toEqual([
      32, 18,
    ]);
    expect(finalResolution(sceneInfo())).toEqual([64, 36]);
  });

  it('steps frames from the first one', () => {
    expect(stepFrames([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([1, 4, 7]);
    expect(stepFrames([], 2)).toEqual([]);
  });

  it('lists the scene range at its own step or the one given', () => {
    expect(sceneFrames(sceneInfo({ frame_start: 1, frame_end: 7, frame_step: 2 }))).toEqual([
      1, 3, 5, 7,
    ]);
    expect(sceneFrames(sceneInfo({ frame_start: 1, frame_end: 7 }), 3)).toEqual([1, 4, 7]);
  });
});
