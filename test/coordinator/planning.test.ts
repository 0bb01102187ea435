import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BlenderSubmitRequest, SubmitRequest } from '../../src/api/types.js';
import {
  jobDirs,
  otherOutputs,
  planRequest,
  previewOf,
  previewPlan,
  resumeScan,
  type FrameScanner,
  type PlanInput,
} from '../../src/coordinator/planning.js';
import type { FrameScan } from '../../src/renderers/blender/resume.js';
import { nodeFiles } from '../../src/util/node-files.js';
import { sceneInfo } from '../renderers/blender/scene-fixture.js';

const root = mkdtempSync(path.join(tmpdir(), 'planning-'));
const scene = path.join(root, 'shot.blend');
writeFileSync(scene, 'not read by the planner');
const out = path.join(root, 'out');
mkdirSync(path.join(out, 'render'), { recursive: true });
const input: PlanInput = {
  limits: { partitionNodes: 4, maxGpusPerNode: 4 },
  dirs: jobDirs(path.join(root, 'state'), 'j3'),
  files: nodeFiles,
};
const render = (extra: Partial<BlenderSubmitRequest> = {}): SubmitRequest => ({
  kind: 'blender',
  scene,
  nodes: 1,
  frames: '1-4',
  outputDir: out,
  sceneInfo: sceneInfo(),
  ...extra,
});

/** A scanner that answers `scan` and remembers what it was asked. */
function scanner(scan: Partial<FrameScan> = {}) {
  const calls: { dir: string; names: readonly string[]; removePartials?: boolean }[] = [];
  const fn: FrameScanner = (dir, names, _format, opts) => {
    calls.push({ dir, names, removePartials: opts.removePartials });
    return Promise.resolve({ whole: [], missing: [], broken: [], partials: [], ...scan });
  };
  return { fn, calls };
}

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe("a job's plan", () => {
  it('puts a job under the state directory by its id', () => {
    expect(jobDirs('/s', 'j9')).toEqual({
      id: 'j9',
      dir: path.join('/s', 'jobs', 'j9'),
      outputDir: path.join('/s', 'jobs', 'j9', 'output'),
    });
  });

  it("lists the other jobs' outputs that are a user's folder, and which still render", () => {
    const jobs = [
      { id: 'j1', kind: 'blender', state: 'running', outputDir: out },
      { id: 'j2', kind: 'blender-still', state: 'succeeded', outputDir: '/nowhere/x' },
      { id: 'j3', kind: 'command', state: 'running', outputDir: '/s/jobs/j3/output' },
    ] as const;
    expect(otherOutputs(jobs, nodeFiles)).toEqual([
      { jobId: 'j1', root: out, active: true },
      { jobId: 'j2', root: '/nowhere/x', active: false },
    ]);
  });

  it("refuses an output another job renders into or holds, in the CLI's words, and not when unknown", () => {
    const others = [{ jobId: 'j1', root: out, active: true }];
    expect(refusal(() => planRequest(render(), { ...input, others }))).toBe(
      `output: job j1 is still rendering into ${out}; wait for it, cancel it, or choose another --output`,
    );
    const inside = path.join(out, 'render');
    expect(
      refusal(() =>
        planRequest(render({ outputDir: inside }), {
          ...input,
          others: [{ jobId: 'j1', root: out, active: false }],
        }),
      ),
    ).toBe(
      `output: ${inside} is inside the output of job j1 (${out}); choose a directory of its own`,
    );
    // A finished job's own folder is a resume; unknown others (no coordinator) are not checked.
    expect(
      planRequest(render(), { ...input, others: [{ jobId: 'j1', root: out, active: false }] })
        .outputDir,
    ).toBe(out);
    expect(planRequest(render(), input).outputDir).toBe(out);
  });

  it('skips the frames the scan found whole, and tells of the files it found broken', async () => {
    writeFileSync(path.join(out, 'render', 'shot_0001.png'), 'a frame');
    writeFileSync(path.join(out, 'render', 'shot_0002.png'), 'a frame');
    const s = scanner({
      whole: ['render/shot_0001.png'],
      broken: [{ name: 'render/shot_0002.png', reason: 'is cut short' }],
    });
    const plan = await previewPlan(render(), input, s.fn);
    expect(s.calls).toEqual([
      {
        dir: out,
        names: [
          'render/shot_0001.png',
          'render/shot_0002.png',
          'render/shot_0003.png',
          'render/shot_0004.png',
        ],
        removePartials: false,
      },
    ]);
    expect((plan.request as BlenderSubmitRequest).planned?.skipped).toEqual([1]);
    expect(plan.tasks.flatMap((t) => t.frames)).toEqual([2, 3, 4]);
    expect(plan.events?.map((e) => e.type)).toEqual(['render:skipped', 'render:not-whole']);
    expect(plan.events?.at(-1)?.message).toBe(
      'render/shot_0002.png is cut short: rendering it again',
    );
  });

  it('removes partial files only when submitting, and says how many', async () => {
    const s = scanner({ partials: ['render/.partial-1'] });
    const resume = await resumeScan(render(), input, s.fn, true);
    expect(s.calls[0]?.removePartials).toBe(true);
    expect(resume.events).toEqual([
      {
        type: 'render:partials-removed',
        message: 'removed 1 partial file(s) killed renders left',
        data: { files: ['render/.partial-1'] },
      },
    ]);
    expect((await resumeScan(render(), input, s.fn, false)).events).toEqual([]);
  });

  it("scans nothing without --output, with --overwrite, or in another job's output", async () => {
    const s = scanner();
    await resumeScan(render({ outputDir: undefined }), input, s.fn, true);
    await resumeScan(render({ overwrite: true }), input, s.fn, true);
    await resumeScan(
      { kind: 'command', nodes: 1, tasks: '{"id":"a","argv":["true"]}\n' },
      input,
      s.fn,
      true,
    );
    const others = [{ jobId: 'j1', root: out, active: true }];
    await expect(resumeScan(render(), { ...input, others }, s.fn, true)).rejects.toThrow(
      /^output: job j1 is still rendering/,
    );
    expect(s.calls).toEqual([]);
  });

  it('shows a plan as a dry run does, for the job it would be', () => {
    const plan = planRequest(render({ outputDir: undefined, frames: '1' }), input);
    const shown = previewOf(plan, {
      id: 'j3',
      dir: input.dirs.dir,
      outputDir: input.dirs.outputDir,
    });
    expect(shown.job).toEqual({
      id: 'j3',
      name: 'shot.blend',
      nodes: 1,
      gpusPerNode: 4,
      dir: input.dirs.dir,
      outputDir: input.dirs.outputDir,
    });
    expect(shown.tasks.map((t) => [t.stage, t.frames])).toEqual([
      ['render', [1]],
      ['encode', []],
    ]);
    expect(shown.spec).toBe(plan.request);
  });
});
