import { describe, expect, it } from 'vitest';
import { type HeldNode, pickNodes } from '../../src/coordinator/scaling/pick-nodes.js';
import type { AllocationRow } from '../../src/coordinator/store/types.js';

const alloc = (
  slurmJobId: number,
  role: AllocationRow['role'],
  nodes: string[],
): AllocationRow => ({
  slurmJobId,
  jobId: 'j1',
  role,
  state: 'running',
  nodes,
  requestedNodes: nodes.length,
  reason: '',
  createdAt: slurmJobId,
  endedAt: null,
});

function heldOf(a: AllocationRow, busy: string[] = []): HeldNode[] {
  return a.nodes.map((node, i) => ({
    node,
    allocation: a,
    batchHost: i === 0,
    // Allocations of a job of one allocation: its primary carries the job.
    carriesJob: a.role === 'primary',
    busy: busy.includes(node),
    agents: [],
  }));
}

describe('pickNodes', () => {
  const primary = alloc(1, 'primary', ['node1', 'node2']);
  const attached = alloc(2, 'attached', ['node3', 'node4']);

  it('never gives back the primary batch host, and an attached one only with all its nodes', () => {
    const held = [...heldOf(attached), ...heldOf(primary)];
    expect(pickNodes(held, 4).map((h) => h.node)).toEqual(['node4', 'node2', 'node3']);
    expect(pickNodes(held, 1).map((h) => h.node)).toEqual(['node4']);
  });

  it('keeps an attached batch host whose other node is not eligible (still busy)', () => {
    const held = [...heldOf(attached, ['node4']), ...heldOf(primary)];
    const idle = (h: HeldNode) => !h.busy;
    expect(pickNodes(held, 3, idle).map((h) => h.node)).toEqual(['node2']);
  });

  it("gives back any of a per-node job's nodes, the first node job's too, each its own Slurm job", () => {
    const nodeJobs = ['node1', 'node2', 'node3'].map((n, i) =>
      alloc(10 + i, i === 0 ? 'primary' : 'attached', [n]),
    );
    const held = nodeJobs.flatMap((a) => heldOf(a).map((h) => ({ ...h, carriesJob: false })));
    expect(pickNodes(held, 3).map((h) => h.node)).toEqual(['node1', 'node2', 'node3']);
    expect(pickNodes(held, 1).map((h) => h.allocation.slurmJobId)).toEqual([10]);
  });
});
