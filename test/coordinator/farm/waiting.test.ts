import { describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { waitingOf, waitingReason } from '../../../src/coordinator/view/waiting.js';
import type { AllocationRow } from '../../../src/coordinator/store/types.js';
import { jobSummary } from '../../../src/coordinator/views.js';
import { formatJobDetail, formatJobTable } from '../../../src/cli/format/jobs.js';
import { jobDetail } from '../../../src/coordinator/views.js';
import { testCoordinator } from '../view/setup.js';

const none = new Map<string, number>();

function allocation(o: Partial<AllocationRow>): AllocationRow {
  return {
    slurmJobId: 1,
    jobId: 'j2',
    role: 'primary',
    state: 'pending',
    nodes: [],
    requestedNodes: 4,
    reason: 'Resources',
    createdAt: 0,
    endedAt: null,
    ...o,
  };
}

describe("a waiting job's reason, in words", () => {
  it('names the jobs of this coordinator that hold the nodes', () => {
    expect(waitingReason('Resources', new Map([['j1', 4]]))).toBe(
      'waiting for nodes: 4 GPU nodes busy with j1',
    );
    expect(
      waitingReason(
        'Resources',
        new Map([
          ['j1', 2],
          ['j3', 1],
          ['j4', 1],
        ]),
      ),
    ).toBe('waiting for nodes: 4 GPU nodes busy with j1, j3 and j4');
    expect(waitingReason('Resources', new Map([['j1', 1]]))).toBe(
      'waiting for nodes: 1 GPU node busy with j1',
    );
    expect(waitingReason('Resources', none)).toBe("waiting for nodes: busy with other users' jobs");
  });

  it('says a node is starting while Slurm powers one up or boots it', () => {
    for (const r of ['ReqNodeNotAvail', 'Configuring', 'PowerUpNode'])
      expect(waitingReason(r, none)).toBe('waiting: node starting (about 5 minutes on EC2)');
  });

  it("says priority, limits, and Slurm's own word for what it does not know", () => {
    expect(waitingReason('Priority', none)).toBe('waiting: priority (other jobs start first)');
    expect(waitingReason('Priority', new Map([['j1', 4]]))).toBe(
      'waiting: priority (other jobs start first; 4 GPU nodes busy with j1)',
    );
    expect(waitingReason('QOSMaxGRESPerUser', none)).toBe(
      'waiting: over a limit of your account or QOS (Slurm: QOSMaxGRESPerUser)',
    );
    expect(waitingReason('', none)).toBe('waiting: submitted to Slurm');
    expect(waitingReason('SomethingNew', none)).toBe('waiting (Slurm: SomethingNew)');
  });

  it('holds while every live allocation is pending and no agent works, and only then', () => {
    const base = {
      job: { id: 'j2', state: 'running' as const },
      agents: [],
      live: () => [
        allocation({ jobId: 'j1', slurmJobId: 9, state: 'running', nodes: ['n1', 'n2'] }),
      ],
    };
    const pending = allocation({});
    expect(waitingOf({ ...base, allocations: [pending] })).toEqual({
      reason: 'waiting for nodes: 2 GPU nodes busy with j1',
      slurmReason: 'Resources',
      heldBy: ['j1'],
    });
    // An ended allocation does not count; a running one means Slurm started the job.
    const ended = allocation({ slurmJobId: 2, state: 'ended', reason: 'None' });
    expect(waitingOf({ ...base, allocations: [ended, pending] })?.slurmReason).toBe('Resources');
    const running = allocation({
      slurmJobId: 3,
      state: 'running',
      role: 'attached',
      nodes: ['n3'],
    });
    expect(waitingOf({ ...base, allocations: [pending, running] })).toBeNull();
    expect(waitingOf({ ...base, allocations: [ended] })).toBeNull();
    expect(
      waitingOf({ ...base, allocations: [pending], agents: [{ state: 'active' as const }] }),
    ).toBeNull();
    expect(
      waitingOf({ ...base, job: { id: 'j2', state: 'cancelled' }, allocations: [pending] }),
    ).toBeNull();
  });
});

describe('a job Slurm has not started', () => {
  it('is shown waiting for the job holding the nodes, and its time counts from its first agent', async () => {
    const t = testCoordinator(4);
    const first = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1-8', nodes: 4 });
    await reconcileAllocations(t.c.reconcilePorts);
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    t.agent(first.id, 'node1', '0');

    t.port.pendingReason = 'Resources';
    const second = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1-8', nodes: 4 });
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    t.clock.now += 120_000;
    const waiting = jobSummary(t.store, t.store.jobs.get(second.id)!, t.clock.now);
    expect(waiting.state).toBe('running');
    expect(waiting.waiting).toEqual({
      reason: `waiting for nodes: 4 GPU nodes busy with ${first.id}`,
      slurmReason: 'Resources',
      heldBy: [first.id],
    });
    expect(waiting.startedAt).toBeNull();
    expect(waiting.elapsedSeconds).toBe(0);
    expect(jobSummary(t.store, t.store.jobs.get(first.id)!, t.clock.now).waiting).toBeNull();

    // Both the CLI's list and its page of the job say so.
    const table = formatJobTable([waiting], t.clock.now);
    expect(table).toMatch(new RegExp(`${second.id} +\\S+ +waiting +50 `));
    expect(table).toContain(`${second.id} waiting for nodes: 4 GPU nodes busy with ${first.id}`);
    const page = formatJobDetail(jobDetail(t.store, t.store.jobs.get(second.id)!, t.clock.now));
    expect(page).toContain(`waiting   for nodes: 4 GPU nodes busy with ${first.id}`);
    expect(page).toContain('not started yet');

    // Slurm starts it; its first agent registers 5 s later: the time counts from there.
    const slurmJobId = t.store.allocations.list(second.id)[0]!.slurmJobId;
    t.port.set(slurmJobId, {
      state: 'RUNNING',
      nodes: ['node1'],
      batchHost: 'node1',
      reason: 'None',
    });
    await reconcileAllocations(t.c.reconcilePorts);
    t.clock.now += 5_000;
    const registeredAt = t.clock.now;
    t.agent(second.id, 'node1', '0', slurmJobId);
    t.clock.now += 30_000;
    const started = jobSummary(t.store, t.store.jobs.get(second.id)!, t.clock.now);
    expect(started.waiting).toBeNull();
    expect(started.startedAt).toBe(registeredAt);
    expect(started.elapsedSeconds).toBe(30);
  });
});
