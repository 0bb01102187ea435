import { describe, expect, it } from 'vitest';
import { readSubmitRequest } from '../../src/api/submit.js';

const refusal = (body: unknown) => {
  const r = readSubmitRequest(body);
  return r.ok ? 'accepted' : r.error;
};
const read = (body: unknown) => {
  const r = readSubmitRequest(body);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

const blender = { kind: 'blender', scene: '/s/shot.blend', nodes: 1 };
const still = { kind: 'blender-still', scene: '/s/shot.blend', tiles: '4x4' };
const plenoxels = { kind: 'plenoxels', svox2: '/opt/svox2', taskFile: '{}' };
const command = { kind: 'command', tasks: '{"id":"a","argv":["true"]}\n' };
const index = { kind: 'index', scene: '/data/scene.prj' };
const openjd = { kind: 'openjd', template: { name: 'x', steps: [] } };

describe('reading a submit request', () => {
  it('refuses a kind it does not know, naming the kinds in order', () => {
    const kinds = 'blender, blender-still, blender-dataset, plenoxels, command, index, openjd';
    expect(refusal({ kind: 'maya' })).toBe(`kind must be one of ${kinds} (got "maya")`);
    expect(refusal({})).toBe(`kind must be one of ${kinds} (got undefined)`);
    expect(refusal(null)).toBe(`kind must be one of ${kinds} (got undefined)`);
    expect(refusal('blender')).toBe(`kind must be one of ${kinds} (got undefined)`);
  });

  it('reads each kind, keeping its fields and dropping what no kind has', () => {
    expect(read({ ...blender, frames: '1-4', bogus: 1 })).toEqual({ ...blender, frames: '1-4' });
    for (const body of [still, plenoxels, command, index, openjd]) expect(read(body)).toEqual(body);
    const dataset = { kind: 'blender-dataset', scene: '/s/shot.blend', views: 10, radius: 3 };
    expect(read(dataset)).toEqual(dataset);
  });

  it('takes a lone frame as a number, and a submitted plan to be replaced', () => {
    expect(read({ ...blender, frames: 12 })).toMatchObject({ frames: '12' });
    expect(read({ ...blender, planned: { frames: [1] } })).toMatchObject({
      planned: { frames: [1] },
    });
  });

  it("refuses a field's type in the words its planner used", () => {
    expect(refusal({ kind: 'blender', nodes: 1 })).toBe('scene: give the path of a .blend file');
    expect(refusal({ ...blender, scene: '' })).toBe('scene: give the path of a .blend file');
    expect(refusal({ ...blender, order: 'random' })).toBe('order: one of costliest-first, frames');
    expect(refusal({ ...blender, outputPattern: 5 })).toBe(
      'outputPattern: give a pattern such as render/shot_####',
    );
    expect(refusal({ ...blender, overwrite: 'yes' })).toBe('overwrite: true or false');
    expect(refusal({ ...still, tiles: undefined })).toBe('tiles: give the grid, e.g. 4x4');
    expect(refusal({ ...plenoxels, svox2: undefined })).toBe('svox2: give an absolute path');
    expect(refusal({ ...plenoxels, taskFile: 5 })).toBe("taskFile: must be the file's text");
    expect(refusal({ ...plenoxels, eval: 'yes' })).toBe('eval: must be true or false');
    for (const python of ['', 'py\nthon', 3])
      expect(refusal({ ...plenoxels, python })).toBe(
        'python: give the Python of the svox2 environment, e.g. python3',
      );
    expect(refusal({ ...command, tasks: 5 })).toBe("tasks: must be the file's text");
    expect(refusal({ ...command, command: 'echo hi' })).toBe(
      'command: must be a list of strings (a program and its arguments)',
    );
    expect(refusal({ ...command, cwd: 7 })).toBe('cwd: give an absolute path');
    expect(refusal({ ...index, scene: 'scene.prj' })).toBe(
      'scene: give the absolute path of a .prj file',
    );
    expect(refusal({ ...index, extraArgs: ['-v', 2] })).toBe('extraArgs: a list of strings');
    expect(refusal({ ...openjd, parameters: ['a'] })).toBe(
      'parameters: give an object of parameter names to values',
    );
    expect(refusal({ ...openjd, bundleDir: 'bundle' })).toBe('bundleDir: must be an absolute path');
  });

  it('names the field inside the overrides, and says where a probe of the scene comes from', () => {
    expect(refusal({ ...blender, overrides: { noise: 1 } })).toBe(
      'overrides: Unrecognized key: "noise"',
    );
    expect(refusal({ ...blender, overrides: { samples: 'many' } })).toMatch(
      /^overrides\.samples: /,
    );
    expect(refusal({ ...still, sceneInfo: { name: 'x' } })).toMatch(
      /^sceneInfo: not what a probe of the scene gives \(.*\); let `cluster-tool submit` probe the scene$/,
    );
  });

  it('leaves values to the planners: a count of 0, a relative path', () => {
    expect(refusal({ ...blender, nodes: 0, chunk: -1, outputDir: 'out' })).toBe('accepted');
    expect(refusal({ ...plenoxels, svox2: 'relative', gpuMemoryGiB: -1 })).toBe('accepted');
  });
});
