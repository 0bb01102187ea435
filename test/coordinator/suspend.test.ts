import { beforeEach, describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../src/coordinator/allocations/reconcile.js';
import { Coordinator } from '../../src/coordinator/core.js';
import type { AgentRow, TaskRow } from '../../src/coordinator/store/types.js';
import { shownState, elapsedAt } from '../../src/viewer/app/pace-text.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { AcceptingOutputCheck } from '../doubles/output-check.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

let clock = 1_000_000;
let c: Coordinator;
let port: RecordingAllocationPort;
let scene: string;

beforeEach(() => {
  clock = 1_000_000;
  port = new RecordingAllocationPort();
  ({ c, scene } = inProcessCoordinator({
    port,
    config: { leaseMs: 60_000, agentTimeoutMs: 60_000, suspendGraceMs: 10_000 },
    now: () => clock,
    io: { outputs: new AcceptingOutputCheck() },
  }));
});

function agent(jobId: string, node: string, gpu: string, slurmJobId: number): AgentRow {
  const a = c.register(jobId, { node, gpu, slurmJobId });
  if ('exit' in a) throw new Error(a.exit);
  return a;
}

async function lease(a: AgentRow): Promise<TaskRow | string | null> {
  const r = await c.lease(a.id, 0);
  return 'task' in r ? r.task : 'exit' in r ? r.exit : null;
}

/** One reconciliation pass, a moment after the allocations were recorded (as the loop runs). */
async function reconcile(): Promise<void> {
  clock += 1;
  await reconcileAllocations(c.reconcilePorts);
}

/** Waits for the coordinator's own promises (a release started by the sweep) to settle. */
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('suspending and resuming a job', () => {
  it('lets a running task finish, starts none, gives the nodes back after the grace and asks for them again on resume', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-4', nodes: 2 });
    await reconcile();
    const running = c.store.allocations.list(job.id).filter((a) => a.state === 'running');
    expect(running).toHaveLength(2);
    const a = agent(job.id, running[0]!.nodes[0]!, '0', running[0]!.slurmJobId);
    const b = agent(job.id, running[1]!.nodes[0]!, '0', running[1]!.slurmJobId);
    const t = (await lease(a)) as TaskRow;
    clock += 5_000;

    const d = c.suspend(job.id);
    expect(d.suspendedAt).toBe(clock);
    expect(shownState(d)).toBe('suspended');
    expect(() => c.suspend(job.id)).toThrow(/suspended already/);
    await expect(c.scale(job.id, { add: 1 })).rejects.toThrow(/is suspended/);
    // Nothing new starts, on either agent; the running task still counts when it finishes.
    expect(await lease(b)).toBeNull();
    expect(await c.complete(a.id, t.id, {})).toBe(true);
    expect(await lease(a)).toBeNull();

    // Within the grace the nodes stay; after it they go back, the job still wanting 2.
    clock += 5_000;
    c.sweepTick();
    await settle();
    expect(port.cancelled).toEqual([]);
    clock += 6_000;
    c.sweepTick();
    await settle();
    expect(port.cancelled.sort()).toEqual(running.map((x) => x.slurmJobId).sort());
    expect(c.store.allocations.list(job.id).every((x) => x.state === 'ended')).toBe(true);
    expect(c.store.jobs.get(job.id)?.nodesWanted).toBe(2);
    // Reconciliation does not start a suspended job afresh.
    const before = port.submitted.length;
    await reconcile();
    expect(port.submitted.length).toBe(before);

    // The clock stopped while it was suspended: 5 s of work before, none during.
    const s = c.detail(job.id);
    expect(s.elapsedSeconds).toBe(5);
    expect(elapsedAt(s, clock)).toBe(5);
    expect(s.etaSeconds).toBeNull();

    clock += 4_000;
    const r = await c.resume(job.id);
    expect(r.suspendedAt).toBeNull();
    expect(Math.round(r.suspendedMs / 1000)).toBe(15);
    // Its new node jobs wait for Slurm: shown as such, no longer suspended.
    expect(shownState(r)).toBe('waiting');
    expect(port.submitted.slice(before).map((x) => x.nodes)).toEqual([1, 1]);
    expect(() => c.control.cancel(job.id)).not.toThrow();
    const types = c.detail(job.id).events.map((e) => e.type);
    expect(types).toContain('job:suspended');
    expect(types).toContain('job:resumed');
  });

  it('leases again at once on a resume within the grace, and keeps its nodes', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-4', nodes: 1 });
    await reconcile();
    const [alloc] = c.store.allocations.list(job.id);
    const a = agent(job.id, alloc!.nodes[0]!, '0', alloc!.slurmJobId);
    c.suspend(job.id);
    expect(await lease(a)).toBeNull();
    const submitted = port.submitted.length;
    await c.resume(job.id);
    expect(port.submitted.length).toBe(submitted);
    expect(await lease(a)).toMatchObject({ frames: [1] });
  });

  it('refuses a job that ended, and one that is not suspended to resume; an ended job is no longer suspended', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1 });
    await expect(c.resume(job.id)).rejects.toThrow(/not suspended/);
    c.suspend(job.id);
    clock += 2_000;
    const cancelled = c.cancel(job.id);
    expect(cancelled.suspendedAt).toBeNull();
    expect(cancelled.suspendedMs).toBe(2_000);
    expect(shownState(cancelled)).toBe('cancelled');
    expect(() => c.suspend(job.id)).toThrow(/only a running job/);
  });
});

describe('clearing a blocklist', () => {
  it('forgets the blocked agents and the tasks they failed, and grows the job back to its nodes', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-3', nodes: 1 });
    await reconcile();
    const [alloc] = c.store.allocations.list(job.id);
    const a = agent(job.id, alloc!.nodes[0]!, '0', alloc!.slurmJobId);
    const failed: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = (await lease(a)) as TaskRow;
      failed.push(t.id);
      c.fail(a.id, t.id, 'bad GPU', []);
    }
    expect(await lease(a)).toMatch(/blocklisted/);
    const farm = await c.farmView();
    expect(farm.queue[0]?.blocked.map((x) => x.id)).toEqual([a.id]);
    // Its node job ended with the agent.
    await port.cancel([alloc!.slurmJobId]);
    await reconcile();
    const submitted = port.submitted.length;

    const d = await c.clearBlocked(job.id);
    expect(d.agents.find((x) => x.id === a.id)?.state).toBe('gone');
    expect(d.events.map((e) => e.type)).toContain('agent:cleared');
    for (const id of failed) expect(c.store.tasks.get(id)?.excludedAgents).toEqual([]);
    expect((await c.farmView()).queue[0]?.blocked).toEqual([]);
    expect(port.submitted.length).toBeGreaterThanOrEqual(submitted);
    await expect(c.clearBlocked(job.id)).rejects.toThrow(/no blocklisted agent/);
  });
});

describe('the farm view', () => {
  it('lists open jobs in start order (priority, then age) and each node with its agents', async () => {
    const low = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1, priority: 20 });
    clock += 1;
    const first = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1 });
    clock += 1;
    const high = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1, priority: 90 });
    clock += 1;
    const second = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1 });
    const done = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1 });
    c.cancel(done.id);
    await reconcile();
    const [alloc] = c.store.allocations.list(high.id);
    const a = agent(high.id, alloc!.nodes[0]!, '2', alloc!.slurmJobId);
    await lease(a);
    const farm = await c.farmView();
    expect(farm.queue.map((j) => j.id)).toEqual([high.id, first.id, second.id, low.id]);
    const node = farm.nodes.find((n) => n.name === a.node);
    expect(node?.agents.map((x) => [x.jobId, x.gpu, x.currentTask])).toEqual([
      [high.id, '2', 'frame 1'],
    ]);
  });
});
