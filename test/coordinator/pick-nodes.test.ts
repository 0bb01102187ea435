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
});
