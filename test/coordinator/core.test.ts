import { beforeEach, describe, expect, it } from 'vitest';
import { Coordinator } from '../../src/coordinator/core.js';
import type { AgentRow, TaskRow } from '../../src/coordinator/store/types.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { AcceptingOutputCheck } from '../doubles/output-check.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

let clock = 1_000_000;
let c: Coordinator;
let port: RecordingAllocationPort;
let outputs: AcceptingOutputCheck;
let scene: string;

beforeEach(() => {
  port = new RecordingAllocationPort();
  outputs = new AcceptingOutputCheck();
  ({ c, scene } = inProcessCoordinator({
    port,
    config: { leaseMs: 1000, agentTimeoutMs: 5000 },
    now: () => clock,
    io: { outputs },
  }));
});

function agent(jobId: string, node: string, gpu: string): AgentRow {
  const a = c.register(jobId, { node, gpu, slurmJobId: 100 });
  if ('exit' in a) throw new Error(a.exit);
  return a;
}

async function lease(a: AgentRow): Promise<TaskRow | string | null> {
  const r = await c.lease(a.id, 0);
  return 'task' in r ? r.task : 'exit' in r ? r.exit : null;
}

describe('the scheduling core', () => {
  it('splits a Blender job into frame tasks and one encode task, and submits one Slurm job per node', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-10', nodes: 2, chunk: 3 });
    expect(c.store.tasks.list(job.id, { stage: 'render' }).tasks.map((t) => t.frames)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10],
    ]);
    expect(c.store.tasks.list(job.id, { stage: 'encode' }).total).toBe(1);
    // The allocation carries what its agents load first: the scene.
    const warmUp = { kind: 'blender-render', payload: { scene } };
    expect(port.submitted).toEqual([
      { jobId: job.id, nodes: 1, role: 'primary', warmUp },
      { jobId: job.id, nodes: 1, role: 'attached', warmUp },
    ]);
    expect(job.state).toBe('running');
  });

  it('hands each task out once, runs the encode only after every frame, and then ends the job', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-3', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    const b = agent(job.id, 'node1', '1');
    const t1 = (await lease(a)) as TaskRow;
    const t2 = (await lease(b)) as TaskRow;
    expect(t1.id).not.toBe(t2.id);
    expect(await c.complete(a.id, t1.id, {})).toBe(true);
    expect(await c.complete(a.id, t1.id, {})).toBe(false);
    const t3 = (await lease(a)) as TaskRow;
    expect(await lease(a)).toBeNull();
    await c.complete(b.id, t2.id, {});
    await c.complete(a.id, t3.id, {});
    const enc = (await lease(b)) as TaskRow;
    expect(enc.kind).toBe('blender-encode');
    await c.complete(b.id, enc.id, { video: 'output/video.mp4' });
    expect(c.store.jobs.get(job.id)?.state).toBe('succeeded');
    expect(await lease(a)).toMatch(/succeeded/);
  });

  it('retries a failed task on a different agent and fails it after three attempts with its frames named', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '7', nodes: 1 });
    const agents = ['0', '1', '2', '3'].map((g) => agent(job.id, 'node1', g));
    const first = (await lease(agents[0]!)) as TaskRow;
    c.fail(agents[0]!.id, first.id, 'Blender crashed', ['Error: boom']);
    expect(await lease(agents[0]!)).toBeNull();
    const second = (await lease(agents[1]!)) as TaskRow;
    expect(second.id).toBe(first.id);
    c.fail(agents[1]!.id, second.id, 'Blender crashed', []);
    const third = (await lease(agents[2]!)) as TaskRow;
    c.fail(agents[2]!.id, third.id, 'Blender crashed', ['last line']);
    const after = c.store.jobs.get(job.id);
    expect(after?.state).toBe('failed');
    expect(after?.error).toMatch(/frame\(s\) 7 failed after 3 attempts: Blender crashed/);
    expect(c.detail(job.id).failedFrames).toEqual([
      { frame: 7, error: 'Blender crashed', errorTail: ['last line'] },
    ]);
  });

  it('blocklists an agent for the job after it fails three tasks', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-5', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    for (let i = 0; i < 3; i++) {
      const t = (await lease(a)) as TaskRow;
      c.fail(a.id, t.id, 'bad GPU', []);
    }
    expect(await lease(a)).toMatch(/blocklisted/);
  });

  it('puts a task back when its lease is not renewed, and when its agent goes silent', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-2', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    const t = (await lease(a)) as TaskRow;
    clock += 500;
    expect(await c.renew(a.id, t.id)).toBe(true);
    clock += 1500;
    c.sweep();
    expect(c.store.tasks.get(t.id)?.state).toBe('queued');
    expect(await c.renew(a.id, t.id)).toBe(false);
    const b = agent(job.id, 'node2', '0');
    const t2 = (await lease(b)) as TaskRow;
    clock += 6000;
    await c.renew(b.id, t2.id);
    c.sweep();
    expect(c.store.agents.get(a.id)?.state).toBe('gone');
  });

  it("keeps how far a running task is, from its agent's renewals, while it runs", async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-4', nodes: 1, chunk: 2 });
    const a = agent(job.id, 'node1', '0');
    const b = agent(job.id, 'node1', '1');
    const t = (await lease(a)) as TaskRow;
    const t2 = (await lease(b)) as TaskRow;
    clock += 300;
    const report = {
      fraction: 0.75,
      activity: 'Sample 32/64',
      frame: 2,
      frameFraction: 0.5,
      frameElapsedMs: 200,
    };
    expect(await c.renew(a.id, t.id, report)).toBe(true);
    const detail = c.detail(job.id);
    const shown = {
      fraction: 0.75,
      activity: 'Sample 32/64',
      frame: 2,
      frameFraction: 0.5,
      frameStartedAt: clock - 200,
      at: clock,
    };
    expect(detail.agents.find((x) => x.id === a.id)?.currentProgress).toEqual(shown);
    expect(detail.agents.find((x) => x.id === b.id)?.currentProgress).toBeNull();
    expect(detail.progress.inFlight).toBe(1.5);
    await c.complete(b.id, t2.id, {});
    expect(c.detail(job.id).progress.inFlight).toBe(1.5);
    // Another agent's renewal of it, or a renewal the lease refused, notes nothing.
    expect(await c.renew(b.id, t.id, { fraction: 0.1 })).toBe(false);
    expect(c.detail(job.id).progress.inFlight).toBe(1.5);
    // Once the task is back in the queue, nothing shows.
    clock += 1500;
    c.sweep();
    expect(c.detail(job.id).progress.inFlight ?? 0).toBe(0);
  });

  it('wakes a long-polling agent as soon as work is requeued', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    const b = agent(job.id, 'node1', '1');
    const t = (await lease(a)) as TaskRow;
    const waiting = c.lease(b.id, 5000);
    c.fail(a.id, t.id, 'transient', []);
    const r = await waiting;
    expect('task' in r && r.task.id).toBe(t.id);
  });

  it('requeues failed frames on retry and opens the encode stage again', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-2', nodes: 1 });
    const agents = ['0', '1', '2'].map((g) => agent(job.id, 'node1', g));
    const ok = (await lease(agents[0]!)) as TaskRow;
    await c.complete(agents[0]!.id, ok.id, {});
    for (const a of agents) {
      const t = (await lease(a)) as TaskRow;
      c.fail(a.id, t.id, 'no', []);
    }
    expect(c.store.jobs.get(job.id)?.state).toBe('failed');
    const d = c.retry(job.id);
    expect(d.state).toBe('running');
    expect(d.progress.queued).toBe(1);
    const fresh = agent(job.id, 'node2', '0');
    const t = (await lease(fresh)) as TaskRow;
    expect(t.frames).toEqual([2]);
  });
});
