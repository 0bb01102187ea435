import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { carriesJob, slurmJobsFor } from '../../../src/coordinator/allocations/node-jobs.js';
import { JOB_TYPES } from '../../../src/coordinator/jobs/registry.js';
import { indexRequest } from '../../helpers/index-request.js';
import { inProcessCoordinator } from '../../helpers/in-process-coordinator.js';

describe('slurmJobsFor', () => {
  it('asks a per-node job for one single-node Slurm job per node, the first in the role asked for', () => {
    expect(slurmJobsFor('per-node', 3, 'primary')).toEqual([
      { nodes: 1, role: 'primary' },
      { nodes: 1, role: 'attached' },
      { nodes: 1, role: 'attached' },
    ]);
    expect(slurmJobsFor('per-node', 2, 'attached')).toEqual([
      { nodes: 1, role: 'attached' },
      { nodes: 1, role: 'attached' },
    ]);
  });

  it('asks a job of one allocation for one Slurm job of every node', () => {
    expect(slurmJobsFor('one', 3, 'primary')).toEqual([{ nodes: 3, role: 'primary' }]);
    expect(slurmJobsFor('one', 2, 'attached')).toEqual([{ nodes: 2, role: 'attached' }]);
  });

  it('asks for nothing for no node', () => {
    expect(slurmJobsFor('per-node', 0, 'attached')).toEqual([]);
    expect(slurmJobsFor('one', 0, 'attached')).toEqual([]);
  });
});

describe('carriesJob', () => {
  it("is the primary of a job of one allocation only; a per-node job's Slurm jobs are alike", () => {
    expect(carriesJob('one', { role: 'primary' })).toBe(true);
    expect(carriesJob('one', { role: 'attached' })).toBe(false);
    expect(carriesJob('per-node', { role: 'primary' })).toBe(false);
    expect(carriesJob('per-node', { role: 'attached' })).toBe(false);
  });
});

describe('the job types', () => {
  it('run every kind whose agents take tasks on their own per node, and a service as one allocation', () => {
    const shapes = Object.fromEntries(JOB_TYPES.map((t) => [t.kind, t.allocation]));
    expect(shapes).toEqual({
      blender: 'per-node',
      'blender-still': 'per-node',
      'blender-dataset': 'per-node',
      plenoxels: 'per-node',
      command: 'per-node',
      openjd: 'per-node',
      index: 'one',
    });
    for (const t of JOB_TYPES) expect(t.allocation === 'one').toBe(t.service !== undefined);
  });
});

describe("a submission's preview", () => {
  it('shows the first Slurm job of a start and how many there are', async () => {
    const { c, scene, dir } = inProcessCoordinator();
    const blender = await c.preview({ kind: 'blender', scene, frames: '1-8', nodes: 3 });
    expect(blender.sbatch.args).toContain('--nodes=1');
    expect(blender.sbatch.count).toBe(3);
    const index = await c.preview(indexRequest(dir, 3));
    expect(index.sbatch.args).toContain('--nodes=3');
    expect(index.sbatch.count).toBe(1);
  });
});

describe('a per-node job waiting in Slurm', () => {
  it('is waiting while every node job waits, and a new priority renices each of them', async () => {
    const { c, scene, port } = inProcessCoordinator();
    port.pendingReason = 'Resources';
    const job = await c.submit({ kind: 'blender', scene, frames: '1-8', nodes: 3 });
    // Reconcile passes skip allocations recorded since their Slurm listing began: let a tick pass.
    await sleep(5);
    await reconcileAllocations(c.reconcilePorts);
    expect(c.detail(job.id).waiting?.slurmReason).toBe('Resources');
    await c.setPriority(job.id, 90);
    expect(port.reniced.map((r) => r.priority)).toEqual([90, 90, 90]);
    // One node job starts: the job works on it while the others wait.
    const first = c.store.allocations.list(job.id)[0];
    c.store.allocations.update(first?.slurmJobId ?? 0, { state: 'running', nodes: ['node1'] });
    if (
      'exit' in c.register(job.id, { node: 'node1', gpu: '0', slurmJobId: first?.slurmJobId ?? 0 })
    )
      throw new Error('not admitted');
    expect(c.detail(job.id).waiting).toBeNull();
  });
});
