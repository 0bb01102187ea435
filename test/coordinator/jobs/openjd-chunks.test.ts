import { beforeEach, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../../src/coordinator/core.js';
import type { AgentRow } from '../../../src/coordinator/store/types.js';
import { adaptiveChunkSize } from '../../../src/openjd/chunking.js';
import { RecordingAllocationPort } from '../../doubles/allocation-port.js';
import { inProcessCoordinator } from '../../helpers/in-process-coordinator.js';

/**
 * TASK_CHUNKING on the coordinator: a chunk is one lease; with targetRuntimeSeconds, chunks no
 * agent has leased are sized again from the seconds per frame of the chunks done.
 */

let c: Coordinator;
let clock = 1_000_000;

beforeEach(() => {
  clock = 1_000_000;
  ({ c } = inProcessCoordinator({
    port: new RecordingAllocationPort(),
    config: { leaseMs: 60_000, agentTimeoutMs: 120_000 },
    now: () => clock,
  }));
});

function template(chunks: Record<string, unknown>) {
  return {
    specificationVersion: 'jobtemplate-2023-09',
    extensions: ['TASK_CHUNKING'],
    name: 'chunked',
    steps: [
      {
        name: 'Render',
        parameterSpace: {
          taskParameterDefinitions: [{ name: 'Frame', type: 'CHUNK[INT]', range: '1-40', chunks }],
        },
        script: { actions: { onRun: { command: 'true', args: ['{{Task.Param.Frame}}'] } } },
      },
    ],
  };
}

function agent(jobId: string, gpu: string): AgentRow {
  const slurmJobId = c.store.allocations.list(jobId)[0]?.slurmJobId ?? 0;
  const a = c.register(jobId, { node: 'node1', gpu, slurmJobId });
  if ('exit' in a) throw new Error(a.exit);
  return a;
}

const frames = (jobId: string, state?: string) =>
  c.store.tasks
    .list(jobId, state ? { state } : {})
    .tasks.map((t) => (t.payload.params as Record<string, { value: string }>).Frame?.value);

describe('TASK_CHUNKING on the coordinator', () => {
  it('sizes a chunk to the target from the seconds per value, within 1 and the maximum', () => {
    expect(adaptiveChunkSize(60, 2, 1024)).toBe(30);
    expect(adaptiveChunkSize(60, 600, 1024)).toBe(1);
    expect(adaptiveChunkSize(60, 0.001, 1024)).toBe(1024);
    expect(adaptiveChunkSize(60, 0, 1024)).toBe(1024);
  });

  it('leases a chunk as one task and keeps the sizes without a targetRuntimeSeconds', async () => {
    const job = await c.submit({
      kind: 'openjd',
      template: template({ defaultTaskCount: 10, rangeConstraint: 'CONTIGUOUS' }),
    });
    expect(frames(job.id)).toEqual(['1-10', '11-20', '21-30', '31-40']);
    const a = agent(job.id, '0');
    const r = await c.lease(a.id, 0);
    if (!('task' in r)) throw new Error('no task leased');
    clock += 5_000;
    expect(await c.complete(a.id, r.task.id, {})).toBe(true);
    expect(frames(job.id, 'queued')).toEqual(['11-20', '21-30', '31-40']);
  });

  it('with targetRuntimeSeconds, sizes the chunks not yet leased from the chunks done', async () => {
    const job = await c.submit({
      kind: 'openjd',
      template: template({
        defaultTaskCount: 2,
        targetRuntimeSeconds: 10,
        rangeConstraint: 'CONTIGUOUS',
      }),
    });
    expect(frames(job.id)).toHaveLength(20);
    const a = agent(job.id, '0');
    const b = agent(job.id, '1');
    const first = await c.lease(a.id, 0);
    const second = await c.lease(b.id, 0);
    if (!('task' in first) || !('task' in second)) throw new Error('no task leased');
    // 2 frames in 4 s: 2 s a frame, so 5 frames make the 10 s the template asks for
    clock += 4_000;
    expect(await c.complete(a.id, first.task.id, {})).toBe(true);
    expect(frames(job.id, 'leased')).toEqual(['3-4']);
    // the 36 frames left, in as few chunks of at most 5 as there can be, evenly
    expect(frames(job.id, 'queued')).toEqual([
      ...['5-9', '10-13', '14-18', '19-22'],
      ...['23-27', '28-31', '32-36', '37-40'],
    ]);
    // every frame is in exactly one task
    const all = frames(job.id).flatMap((f) => {
      const [lo, hi] = (f ?? '').split('-').map(Number);
      return Array.from({ length: (hi ?? lo!) - lo! + 1 }, (_, i) => lo! + i);
    });
    expect(all.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // the leased chunk finishes as it was leased, and the job runs to its end
    clock += 1_000;
    expect(await c.complete(b.id, second.task.id, {})).toBe(true);
    for (;;) {
      const r = await c.lease(a.id, 0);
      if (!('task' in r)) break;
      clock += 10_000;
      expect(await c.complete(a.id, r.task.id, {})).toBe(true);
    }
    expect(c.store.jobs.get(job.id)?.state).toBe('succeeded');
    expect(frames(job.id, 'queued')).toEqual([]);
  });

  it('refuses at submit a chunk size that resolves to 0, saying where', async () => {
    const t = template({ defaultTaskCount: '{{Param.Size}}', rangeConstraint: 'CONTIGUOUS' });
    const doc = { ...t, parameterDefinitions: [{ name: 'Size', type: 'INT', default: 0 }] };
    await expect(
      c.submit({ kind: 'openjd', template: doc, templatePath: 'chunked.yaml' }),
    ).rejects.toThrow(
      /chunked\.yaml cannot be submitted:\n {2}error: steps\[0\]\.parameterSpace\.taskParameterDefinitions\[0\]\.chunks\.defaultTaskCount: resolves to "0"/,
    );
  });

  it('a chunk whose agent dies goes back whole and is not sized again; each frame is in one task', async () => {
    const job = await c.submit({
      kind: 'openjd',
      template: template({
        defaultTaskCount: 4,
        targetRuntimeSeconds: 4,
        rangeConstraint: 'CONTIGUOUS',
      }),
    });
    const a = agent(job.id, '0');
    const b = agent(job.id, '1');
    const lost = await c.lease(a.id, 0);
    const first = await c.lease(b.id, 0);
    if (!('task' in lost) || !('task' in first)) throw new Error('no task leased');
    // a's agent goes silent past its lease: its chunk is queued again as it was
    clock += 61_000;
    c.sweep();
    expect(c.store.tasks.get(lost.task.id)?.state).toBe('queued');
    // b's chunk took 61 s for 4 frames: later chunks of 1 frame, but not the one that went back
    expect(await c.complete(b.id, first.task.id, {})).toBe(true);
    expect(frames(job.id, 'queued')).toEqual([
      '1-4',
      ...Array.from({ length: 32 }, (_, i) => `${i + 9}-${i + 9}`),
    ]);
    const c2 = agent(job.id, '2');
    for (;;) {
      const r = await c.lease(c2.id, 0);
      if (!('task' in r)) break;
      clock += 1_000;
      expect(await c.complete(c2.id, r.task.id, {})).toBe(true);
    }
    expect(c.store.jobs.get(job.id)?.state).toBe('succeeded');
    expect(frames(job.id, 'queued')).toEqual([]);
    const done = frames(job.id, 'done').flatMap((f) => {
      const [lo, hi] = (f ?? '').split('-').map(Number);
      return Array.from({ length: (hi ?? lo!) - lo! + 1 }, (_, i) => lo! + i);
    });
    expect(done.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});
