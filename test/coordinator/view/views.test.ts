import { describe, expect, it } from 'vitest';
import { paceOf } from '../../../src/coordinator/view/rate.js';
import { jobDetail, jobSummary } from '../../../src/coordinator/views.js';
import { testCoordinator } from './setup.js';

const tasksJsonl = (ids: string[]) =>
  ids.map((id) => JSON.stringify({ id, argv: ['true'] })).join('\n') + '\n';

describe("the API's view of a job", () => {
  it('freezes the rate once the job has ended, and shows the total time', async () => {
    const { c, store, clock, scene, agent, lease } = testCoordinator();
    const job = await c.submit({ kind: 'blender', scene, frames: '1-4', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    for (let i = 0; i < 4; i++) {
      const t = await lease(a);
      clock.now += 10_000;
      await c.complete(a.id, t.id, {});
    }
    const enc = await lease(a);
    clock.now += 5_000;
    await c.complete(a.id, enc.id, { video: 'output/video.mp4' });
    const row = store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    expect(row.state).toBe('succeeded');
    const atEnd = jobSummary(store, row, clock.now);
    const later = jobSummary(store, row, clock.now + 3_600_000);
    expect(atEnd.ratePerMinute).toBe(6);
    expect(later.ratePerMinute).toBe(atEnd.ratePerMinute);
    expect(later.etaSeconds).toBeNull();
    expect(later.elapsedSeconds).toBe(45);
    expect(later.elapsedSeconds).toBe(atEnd.elapsedSeconds);
  });

  it('keeps rate and ETA as of the last finished frame between completions, so every reader sees the same', async () => {
    const { c, store, clock, scene, agent, lease } = testCoordinator();
    const job = await c.submit({ kind: 'blender', scene, frames: '1-10', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    for (let i = 0; i < 3; i++) {
      const t = await lease(a);
      clock.now += 6_000;
      await c.complete(a.id, t.id, {});
    }
    const row = store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    const at = clock.now;
    const first = jobSummary(store, row, at + 1_000);
    const second = jobSummary(store, row, at + 4_000);
    expect(first.ratePerMinute).toBe(10);
    expect(first.etaSeconds).toBe(42);
    expect(first.asOf).toBe(at);
    expect(second).toMatchObject({
      ratePerMinute: first.ratePerMinute,
      etaSeconds: first.etaSeconds,
      asOf: first.asOf,
    });
    // Nothing lands for a long time: measured up to now, the rate falls.
    const stalled = jobSummary(store, row, at + 120_000);
    expect(stalled.ratePerMinute).toBeLessThan(first.ratePerMinute);
    expect(stalled.asOf).toBe(at + 120_000);
  });

  it('counts a command job in tasks and names its failed tasks, with no frame numbers', async () => {
    const { c, store, scene, agent, lease } = testCoordinator();
    void scene;
    const job = await c.submit({ kind: 'command', nodes: 1, tasks: tasksJsonl(['alpha', 'beta']) });
    const agents = ['0', '1', '2'].map((g) => agent(job.id, 'node1', g));
    const ok = await lease(agents[0]!);
    await c.complete(agents[0]!.id, ok.id, {});
    for (const a of agents) {
      const t = await lease(a);
      c.fail(a.id, t.id, 'exit 4', ['boom']);
    }
    const row = store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    const d = jobDetail(store, row);
    expect(d.unit).toBe('tasks');
    expect(d.progress).toMatchObject({ total: 2, done: 1, failed: 1, cancelled: 0 });
    expect(d.failedFrames).toEqual([]);
    expect(d.failedTasks).toEqual([
      expect.objectContaining({ name: 'beta', frames: [], error: 'exit 4', errorTail: ['boom'] }),
    ]);
  });

  it('carries what the viewer and the CLI show of a job, from its job type', async () => {
    const { c, store, scene } = testCoordinator();
    const render = await c.submit({ kind: 'blender', scene, frames: '1-2', nodes: 1 });
    const tasks = await c.submit({ kind: 'command', nodes: 1, tasks: tasksJsonl(['a']) });
    const view = (id: string) => jobDetail(store, store.jobs.get(id)!).presentation;
    expect(view(render.id)).toEqual({ panels: ['frames', 'video', 'tasks'], scaling: 'agents' });
    expect(view(tasks.id)).toEqual({ panels: ['tasks', 'results'], scaling: 'agents' });
  });

  it('counts cancelled frames apart from failed ones', async () => {
    const { c, store, scene, agent, lease } = testCoordinator();
    const job = await c.submit({ kind: 'blender', scene, frames: '1-6', nodes: 1, chunk: 2 });
    const a = agent(job.id, 'node1', '0');
    const t = await lease(a);
    await c.complete(a.id, t.id, {});
    c.cancel(job.id);
    const row = store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    expect(jobSummary(store, row).progress).toMatchObject({
      total: 6,
      done: 2,
      failed: 0,
      cancelled: 4,
    });
  });

  it('names the task each agent holds', async () => {
    const { c, store, scene, agent, lease } = testCoordinator();
    const job = await c.submit({ kind: 'blender', scene, frames: '40-47', nodes: 1, chunk: 4 });
    await lease(agent(job.id, 'node1', '0'));
    const row = store.jobs.get(job.id);
    if (!row) throw new Error('no job');
    expect(jobDetail(store, row).agents.map((x) => x.currentTask)).toEqual(['frames 40-43']);
  });

  it('measures nothing before the first frame lands', () => {
    const d = paceOf({
      state: 'running',
      startedAt: 0,
      finishedAt: null,
      progress: { total: 4, done: 0, failed: 0, leased: 0, queued: 4, cancelled: 0 },
      completions: [],
      now: 5_000,
    });
    expect(d).toEqual({ ratePerMinute: 0, etaSeconds: null, asOf: 5_000, elapsedSeconds: 5 });
  });

  it("counts the running tasks' done part as not left in the ETA", () => {
    const base = {
      state: 'running' as const,
      startedAt: 0,
      finishedAt: null,
      completions: [{ startedAt: 0, finishedAt: 60_000, units: 1 }],
      now: 60_000,
    };
    const progress = { total: 4, done: 1, failed: 0, leased: 1, queued: 2, cancelled: 0 };
    // One frame a minute: three left are three minutes; half of the running one is rendered.
    expect(paceOf({ ...base, progress }).etaSeconds).toBe(180);
    expect(paceOf({ ...base, progress: { ...progress, inFlight: 0.5 } }).etaSeconds).toBe(150);
  });
});
