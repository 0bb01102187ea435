import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHUNKING_SHAPE, chunkingSummary, chunkingTemplate, formatChunking } from '../chunking.js';
import { parseBenchArgs } from '../main.js';
import { instantiateTask, planTemplateJob } from '../../src/openjd/index.js';

describe('the chunking bench', () => {
  it('is a section of its own', () => {
    expect(parseBenchArgs(['--only', 'chunking']).only).toEqual(['chunking']);
  });

  it('builds the same frames a task per frame and a task per chunk', () => {
    const plan = (chunked: boolean) =>
      planTemplateJob(chunkingTemplate(CHUNKING_SHAPE, '/o', chunked), {}, { hostArch: 'x86_64' });
    const perFrame = plan(false);
    const chunked = plan(true);
    expect(perFrame.errors).toEqual([]);
    expect(chunked.errors).toEqual([]);
    expect(perFrame.job?.steps[0]?.tasks).toHaveLength(240);
    const chunks = chunked.job?.steps[0]?.tasks ?? [];
    expect(chunks).toHaveLength(20);
    expect(chunks.map((t) => t.params.Frame?.value).slice(0, 2)).toEqual(['1-12', '13-24']);
  });

  it("a chunk's command does each of its frames once", () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'ct-bench-chunk-')), 'out');
    const shape = { ...CHUNKING_SHAPE, frameSeconds: 0 };
    const job = planTemplateJob(chunkingTemplate(shape, out, true), {}, { hostArch: 'x86_64' }).job;
    const task = job?.steps[0]?.tasks?.[1];
    const cmd = instantiateTask(job!.template, 'Frames', task!.params, job!.values, '/s');
    const r = spawnSync(cmd.argv[0]!, cmd.argv.slice(1), { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `frame_${13 + i}.txt`).sort(),
    );
  });

  it('reports the makespan ratio and the per-task cost it implies', () => {
    const r = {
      shape: CHUNKING_SHAPE,
      slots: 2,
      perFrame: { tasks: 240, makespanSeconds: 120 },
      chunked: { tasks: 20, makespanSeconds: 30 },
      eachOnce: true,
    };
    // 90 s saved on 2 slots over 220 fewer tasks: 180 / 220 slot-seconds a task
    expect(chunkingSummary(r)).toEqual({ ratio: 4, perTaskSeconds: 180 / 220 });
    expect(formatChunking(r)).toMatch(/makespan ratio \(per frame \/ chunked\) +4\.00x/);
    expect(formatChunking(r)).toMatch(/every frame done exactly once: yes/);
  });
});
