import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlenderSubmitRequest } from '../../../src/api/types.js';
import { Coordinator } from '../../../src/coordinator/core.js';
import {
  bisectionOrder,
  costliestFirst,
  estimatesOf,
  samplingStride,
} from '../../../src/coordinator/scheduler/lease-order.js';
import type { AgentRow, TaskRow } from '../../../src/coordinator/store/types.js';
import { AcceptingOutputCheck } from '../../doubles/output-check.js';
import { inProcessCoordinator } from '../../helpers/in-process-coordinator.js';

describe('the costliest-first lease order', () => {
  it('samples every stride-th task in bisection order, the first task first', () => {
    for (let m = 1; m <= 40; m++) {
      const order = bisectionOrder(m);
      expect([...order].sort((a, b) => a - b)).toEqual([...Array(m).keys()]);
      expect(order[0]).toBe(0);
    }
    expect(bisectionOrder(8)).toEqual([0, 4, 2, 6, 1, 3, 5, 7]);
    expect([1, 3, 8, 24, 100, 10_000].map(samplingStride)).toEqual([1, 2, 3, 3, 10, 100]);
    const { order, tasks } = costliestFirst([...Array(24).keys()].map((seq) => ({ seq })));
    expect(order).toEqual({ costliestFirst: { stride: 3 } });
    const samples = tasks
      .filter((t) => t.lease.tier === 0)
      .sort((a, b) => a.lease.key - b.lease.key)
      .map((t) => t.seq);
    expect(samples).toEqual([0, 12, 6, 18, 3, 9, 15, 21]);
    expect(tasks.filter((t) => t.lease.tier === 1)).toHaveLength(16);
  });

  it('hands the queue its stride and tiers, and nothing for a stage leased in order', () => {
    const { order } = costliestFirst([...Array(24).keys()].map((seq) => ({ seq })));
    expect(estimatesOf(order)).toEqual({
      stride: 3,
      tiers: { sample: 0, unmeasured: 1, estimated: 2 },
    });
    expect(estimatesOf(undefined)).toBeUndefined();
  });
});

describe('leasing a Blender render costliest first', () => {
  let dir: string;
  let clock: number;
  let c: Coordinator;
  let scene: string;

  beforeEach(() => {
    clock = 1_000_000;
    ({ c, dir, scene } = inProcessCoordinator({
      sceneName: 'shot.blend',
      now: () => clock,
      io: { outputs: new AcceptingOutputCheck() },
    }));
  });
  afterEach(() => {
    c.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A shot like the render bench's: 16 cheap frames, then 8 costly ones that differ. */
  const COSTLY = [3.3, 2.5, 3.4, 2.6, 2.7, 3.5, 2.5, 3.6];
  const cost = (frame: number) => (frame > 16 ? (COSTLY[frame - 17] as number) : 0.2);

  /**
   * Renders the job's frames with `agents` agents, each reporting Blender's time per frame by
   * `cost` (the clock moves by it too); returns the frames in the order they were leased.
   */
  async function render(req: Partial<BlenderSubmitRequest>, agents = 1): Promise<number[]> {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-24', nodes: 1, ...req });
    const slurmJobId = c.store.allocations.list(job.id)[0]?.slurmJobId ?? 0;
    const held = [...Array(agents).keys()].map((g) => {
      const a = c.register(job.id, { node: 'node1', gpu: String(g), slurmJobId });
      if ('exit' in a) throw new Error(a.exit);
      return a;
    });
    const leased: number[] = [];
    const running = new Map<string, { task: TaskRow; until: number }>();
    for (;;) {
      for (const a of held) {
        if (running.has(a.id)) continue;
        const r = await c.lease(a.id, 0);
        if (!('task' in r) || r.task.kind !== 'blender-render') continue;
        const frame = r.task.frames[0] as number;
        leased.push(frame);
        running.set(a.id, { task: r.task, until: clock + cost(frame) * 1000 });
      }
      const next = [...running.entries()].sort((x, y) => x[1].until - y[1].until)[0];
      if (!next) return leased;
      const [agentId, { task, until }] = next;
      clock = until;
      running.delete(agentId);
      const frames = Object.fromEntries(
        task.frames.map((f) => [f, { seconds: cost(f), file: `output/frame_${f}.png` }]),
      );
      expect(await c.complete(agentId, task.id, { frames })).toBe(true);
    }
  }

  it('leases a spread sample first, then every frame known to be costly before the cheap ones', async () => {
    const order = await render({});
    expect(order).toHaveLength(24);
    expect(new Set(order).size).toBe(24);
    // The samples: frames 1, 13, 7, 19, 4, 10, 16, 22 (every third, bisection order).
    expect(order.slice(0, 8)).toEqual([1, 13, 7, 19, 4, 10, 16, 22]);
    const rest = order.slice(8);
    const costly = rest.filter((f) => cost(f) > 1);
    const lastCostly = rest.indexOf(costly[costly.length - 1] as number);
    // Every costly frame not sampled goes before any cheap one, so the job ends on cheap frames.
    expect(rest.slice(0, lastCostly + 1).every((f) => cost(f) > 1)).toBe(true);
    expect(costly.sort((a, b) => a - b)).toEqual([17, 18, 20, 21, 23, 24]);
  });

  it('ends no later than frame order on two agents, and earlier on this shot', async () => {
    const makespan = async (req: Partial<BlenderSubmitRequest>) => {
      const start = clock;
      await render(req, 2);
      return clock - start;
    };
    const costliest = await makespan({});
    const inOrder = await makespan({ order: 'frames' });
    // In frame order the 8 costly frames come last, 4 to each agent, and no cheap frame is left
    // to even out the end (14.6 s). Costliest first, the cheap frames fill most of it (14.0 s
    // against 13.65 s: the estimates come from neighbours, not the frames' own costs).
    const ideal = ((16 * 0.2 + COSTLY.reduce((a, b) => a + b, 0)) / 2) * 1000;
    expect(inOrder).toBe(14_600);
    expect(costliest).toBeLessThan(inOrder);
    expect(costliest).toBeLessThanOrEqual(ideal + 400);
  });

  it('leases in frame order when asked, and a chunked render by its chunks', async () => {
    expect(await render({ order: 'frames' })).toEqual([...Array(24).keys()].map((i) => i + 1));
    const chunked = await render({ chunk: 4 });
    // 6 chunks of 4: stride 2, samples at chunks 0, 2, 4 (frames 1, 9, 17); then 13-16 (as near
    // to 9-12 as to the costly 17-20: the costlier stands) and 21-24, and last 5-8.
    expect(chunked.slice(0, 3)).toEqual([1, 9, 17]);
    expect(chunked.slice(3)).toEqual([13, 21, 5]);
  });

  it('estimates by the nearest leased or finished task, and waits for a running one', async () => {
    // 7 frames: stride 3, the samples are frames 1, 4 and 7 (seq 0, 3, 6).
    const job = await c.submit({ kind: 'blender', scene, frames: '1-7', nodes: 1 });
    const slurmJobId = c.store.allocations.list(job.id)[0]?.slurmJobId ?? 0;
    const [a, b, d, e] = ['0', '1', '2', '3'].map((gpu) => {
      const r = c.register(job.id, { node: 'node1', gpu, slurmJobId });
      if ('exit' in r) throw new Error(r.exit);
      return r;
    }) as [AgentRow, AgentRow, AgentRow, AgentRow];
    const held = new Map<number, TaskRow>();
    const lease = async (agent: AgentRow) => {
      const r = await c.lease(agent.id, 0);
      if (!('task' in r)) throw new Error('no task');
      held.set(r.task.frames[0] as number, r.task);
      return r.task.frames[0];
    };
    const done = async (agent: AgentRow, frame: number, seconds: number) => {
      const task = held.get(frame) as TaskRow;
      const frames = { [frame]: { seconds, file: `output/frame_${frame}.png` } };
      expect(await c.complete(agent.id, task.id, { frames })).toBe(true);
    };
    expect([await lease(a), await lease(b), await lease(d)]).toEqual([1, 4, 7]);
    await done(a, 1, 1);
    await done(d, 7, 2);
    // Frame 2 is measured by 1 (1 s), 6 by 7 (2 s); 3 and 5 are next to 4, still rendering.
    expect(await lease(e)).toBe(3);
    // Frame 2 is now as near to 3, rendering, as to 1: not measured until 3 finishes.
    await done(b, 4, 5);
    // Frame 5 now has 4's 5 s; 6 keeps 7's 2 s (nearer than 4).
    expect([await lease(a), await lease(b), await lease(d)]).toEqual([2, 5, 6]);
  });
});
