import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlenderStillSubmitRequest, BlenderSubmitRequest } from '../../../src/api/types.js';
import { jobTypeOf, planJob } from '../../../src/coordinator/jobs/registry.js';
import type { JobPlan } from '../../../src/coordinator/jobs/job-type.js';
import { submitted } from '../../../src/coordinator/planning.js';
import { nodeFiles } from '../../../src/util/node-files.js';
import { sceneInfo } from '../../renderers/blender/scene-fixture.js';

const root = mkdtempSync(path.join(tmpdir(), 'blender-plan-'));
const scene = path.join(root, 'shot.blend');
writeFileSync(scene, 'not read by the planner');
const out = path.join(root, 'out');
mkdirSync(path.join(out, 'render'), { recursive: true });
const jobDir = path.join(root, 'state', 'jobs', 'j7');
const dirs = { id: 'j7', dir: jobDir, outputDir: path.join(jobDir, 'output') };
const ctx = { limits: { partitionNodes: 4, maxGpusPerNode: 4 }, dirs, files: nodeFiles };

/** As a submission is planned: its shape read, then planned. `whole`: the frames the resume
 * scan found whole in the output. */
const render = (extra: Partial<BlenderSubmitRequest>, whole?: number[]) =>
  planJob(submitted({ kind: 'blender', scene, nodes: 1, sceneInfo: sceneInfo(), ...extra }), {
    ...ctx,
    whole,
  });
const still = (extra: Partial<BlenderStillSubmitRequest>) =>
  planJob(
    submitted({
      kind: 'blender-still',
      scene,
      nodes: 2,
      tiles: '4x4',
      sceneInfo: sceneInfo(),
      ...extra,
    }),
    ctx,
  );
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

/** Every task's payload passes its kind's declared schema, as the runner will parse it. */
function expectRunnable(plan: JobPlan): void {
  const schemas = jobTypeOf(plan.kind).payloads;
  for (const t of plan.tasks) expect(schemas[t.kind]?.safeParse(t.payload).success).toBe(true);
}

describe('the Blender render plan', () => {
  it("names frames by the scene's output path under --output and carries the overrides to every task", () => {
    const plan = render({
      frames: '1-3',
      outputDir: out,
      overrides: { samples: 2, camera: 'CamBlue', resolutionPercentage: 50 },
    });
    expectRunnable(plan);
    expect(plan.outputDir).toBe(out);
    const first = plan.tasks[0]?.payload;
    expect(first).toMatchObject({
      outputDir: out,
      format: 'PNG',
      overrides: { samples: 2, camera: 'CamBlue', resolutionPercentage: 50 },
      files: { '1': path.join(out, 'render', 'shot_0001.png') },
    });
    const encode = plan.tasks.find((t) => t.kind === 'blender-encode')?.payload;
    expect(encode).toMatchObject({ frames: [1, 2, 3], video: path.join(out, 'video.mp4') });
    expect((plan.request as BlenderSubmitRequest).planned).toEqual({
      frames: [1, 2, 3],
      skipped: [],
      pattern: '//render/shot_####',
      patternSource: 'scene',
      resolution: [32, 18],
      format: 'PNG',
      files: {
        '1': 'output/render/shot_0001.png',
        '2': 'output/render/shot_0002.png',
        '3': 'output/render/shot_0003.png',
      },
    });
    expect(plan.events).toEqual([
      {
        type: 'render:overrides',
        message: 'overrides: resolution 50 % (32×18), samples 2, camera CamBlue',
        data: {
          overrides: { samples: 2, camera: 'CamBlue', resolutionPercentage: 50 },
          resolution: [32, 18],
        },
      },
    ]);
  });

  it('takes every Nth frame with a frame step, and the output pattern and format asked for', () => {
    const plan = render({
      frames: '1-6',
      outputDir: out,
      outputPattern: 'comp/v2_##',
      overrides: { frameStep: 2, format: 'JPEG' },
    });
    expect(plan.tasks.filter((t) => t.kind === 'blender-render').map((t) => t.frames)).toEqual([
      [1],
      [3],
      [5],
    ]);
    expect(plan.tasks[0]?.payload.files).toEqual({ '1': path.join(out, 'comp', 'v2_01.jpg') });
    const encode = plan.tasks.find((t) => t.kind === 'blender-encode')?.payload;
    expect(encode?.frames).toEqual([1, 3, 5]);
  });

  it("renders the scene's own frame range when no frames are given", () => {
    const plan = render({ sceneInfo: sceneInfo({ frame_start: 3, frame_end: 9, frame_step: 3 }) });
    expect(plan.tasks.flatMap((t) => t.frames)).toEqual([3, 6, 9]);
  });

  it('skips frames found whole that are still there, renders the rest, and --overwrite renders all', () => {
    writeFileSync(path.join(out, 'render', 'shot_0001.png'), 'a frame');
    writeFileSync(path.join(out, 'render', 'shot_0002.png'), 'a frame');
    const plan = render({ frames: '1-4', outputDir: out }, [1, 2, 3]);
    expect(plan.tasks.flatMap((t) => t.frames)).toEqual([3, 4]);
    expect((plan.request as BlenderSubmitRequest).planned?.skipped).toEqual([1, 2]);
    expect(plan.events?.find((e) => e.type === 'render:skipped')?.data).toEqual({
      frames: [1, 2],
      outputDir: out,
    });
    const encode = plan.tasks.find((t) => t.kind === 'blender-encode')?.payload;
    expect(encode?.frames).toEqual([1, 2, 3, 4]);
    const again = render({ frames: '1-4', outputDir: out, overwrite: true }, [1, 2]);
    expect(again.tasks.flatMap((t) => t.frames)).toEqual([1, 2, 3, 4]);
  });

  it('plans no render task and a ready encode when every frame is already there', () => {
    const plan = render({ frames: '1-2', outputDir: out }, [1, 2]);
    expect(plan.tasks.map((t) => t.kind)).toEqual(['blender-encode']);
    expect(plan.stages).toEqual([
      { name: 'render', seq: 0, state: 'done' },
      { name: 'encode', seq: 1, state: 'ready' },
    ]);
  });

  it('leases the render costliest first unless asked for frame order, and refuses other orders', () => {
    const plan = render({ frames: '1-24' });
    expect(plan.request).toMatchObject({ order: 'costliest-first' });
    expect(plan.stages[0]).toEqual({
      name: 'render',
      seq: 0,
      state: 'ready',
      leaseOrder: { costliestFirst: { stride: 3 } },
    });
    const samples = plan.tasks.filter((t) => t.lease?.tier === 0).map((t) => t.frames[0]);
    expect(samples).toEqual([1, 4, 7, 10, 13, 16, 19, 22]);
    const inOrder = render({ frames: '1-24', order: 'frames' });
    expect(inOrder.stages[0]).toEqual({ name: 'render', seq: 0, state: 'ready' });
    expect(inOrder.tasks.every((t) => t.lease === undefined)).toBe(true);
    expect(refusal(() => render({ frames: '1', order: 'random' as never }))).toBe(
      'order: one of costliest-first, frames',
    );
  });

  it('refuses overrides the scene cannot take, in its own words, and scene overrides without a probe', () => {
    expect(refusal(() => render({ frames: '1', overrides: { camera: 'CamGreen' } }))).toBe(
      'camera "CamGreen": the scene has no camera object of that name; it has "CamBlue", "CamRed"',
    );
    expect(refusal(() => render({ frames: '1', overrides: { samples: -1 } }))).toBe(
      'samples -1: give a whole number from 1 to 16777216',
    );
    expect(
      refusal(() => render({ frames: '1', sceneInfo: undefined, overrides: { samples: 4 } })),
    ).toMatch(/^overrides samples are checked against the scene: send sceneInfo/);
    expect(refusal(() => render({ frames: '1', overrides: { noise: 1 } as never }))).toMatch(
      /^overrides/,
    );
  });

  it('refuses output directories that are relative, unwritable, under a file, or among the job directories; a missing one is planned for the submission to create', () => {
    const fresh = path.join(root, 'new', 'shot');
    expect(render({ frames: '1', outputDir: fresh }).outputDir).toBe(fresh);
    expect(refusal(() => render({ frames: '1', outputDir: path.join(scene, 'out') }))).toBe(
      `output ${path.join(scene, 'out')}: ${scene} is a file, not a directory; choose another`,
    );
    expect(refusal(() => render({ frames: '1', outputDir: '/proc/sys/new/out' }))).toMatch(
      /cannot write in \/proc\/sys to create it/,
    );
    expect(refusal(() => render({ frames: '1', outputDir: 'out' }))).toMatch(
      /give an absolute path/,
    );
    expect(refusal(() => render({ frames: '1', outputDir: '/proc/sys' }))).toMatch(
      /cannot write there/,
    );
    mkdirSync(path.join(root, 'state', 'jobs', 'j3', 'output'), { recursive: true });
    expect(
      refusal(() =>
        render({ frames: '1', outputDir: path.join(root, 'state', 'jobs', 'j3', 'output') }),
      ),
    ).toMatch(/overlaps the coordinator's job directories/);
    expect(
      refusal(() => render({ frames: '1', outputDir: out, outputPattern: '../up_####' })),
    ).toMatch(/remove the "\.\." segment/);
  });
});

describe('the tiled still plan', () => {
  it('plans one task per tile, the size of a single render, then a merge into the output', () => {
    const plan = still({ frame: 5, outputDir: out, overrides: { resolutionPercentage: 200 } });
    expectRunnable(plan);
    const tiles = plan.tasks.filter((t) => t.kind === 'blender-tile');
    expect(tiles.map((t) => t.payload.tiles)).toEqual(Array.from({ length: 16 }, (_, i) => [i]));
    expect(tiles[0]?.payload).toMatchObject({
      frame: 5,
      width: 128,
      height: 72,
      columns: 4,
      rows: 4,
      overlap: 8,
      tilesDir: path.join(jobDir, 'tiles'),
    });
    expect(plan.tasks.at(-1)).toMatchObject({
      stage: 'merge',
      kind: 'blender-merge',
      payload: { output: path.join(out, 'render', 'shot_0005.png'), outputDir: out },
    });
    expect(plan.stages.map((s) => [s.name, s.state])).toEqual([
      ['tiles', 'ready'],
      ['merge', 'waiting'],
    ]);
    expect(plan.events?.[0]).toMatchObject({
      type: 'still:planned',
      data: { frame: 5, resolution: [128, 72], file: 'output/render/shot_0005.png' },
    });
  });

  it('refuses an empty grid, multilayer EXR, a missing probe and a still already there', () => {
    expect(refusal(() => still({ tiles: '0x4' }))).toMatch(/columns and rows must be 1 or more/);
    expect(refusal(() => still({ overrides: { format: 'OPEN_EXR_MULTILAYER' } }))).toMatch(
      /OPEN_EXR_MULTILAYER cannot be tiled/,
    );
    expect(refusal(() => still({ sceneInfo: undefined }))).toMatch(/needs the probe of its scene/);
    writeFileSync(path.join(out, 'render', 'shot_0009.png'), 'a still');
    expect(refusal(() => still({ frame: 9, outputDir: out }))).toMatch(
      /already in .*shot_0009\.png; give --overwrite/,
    );
    expect(still({ frame: 9, outputDir: out, overwrite: true }).tasks).toHaveLength(17);
  });
});
