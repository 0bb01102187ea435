import { describe, expect, it } from 'vitest';
import type { AllocationView, JobDetail } from '../../src/api/types.js';
import { scaleNews, type ScaleWatch } from '../../src/viewer/app/scale-news.js';

const node = (slurmJobId: number, state: AllocationView['state'], nodes: string[] = []) =>
  ({
    slurmJobId,
    role: 'attached',
    state,
    nodes,
    requestedNodes: 1,
    reason: state === 'pending' ? 'Resources' : '',
    createdAt: 1_000,
    endedAt: null,
  }) as AllocationView;

const detail = (allocations: AllocationView[], agents: JobDetail['agents'] = []) =>
  ({ allocations, agents, nodes: ['node1'], events: [] }) as unknown as JobDetail;

describe('scaleNews of a grow by one Slurm job per node', () => {
  it('follows every node job of the grow together', () => {
    const w: ScaleWatch = { request: { add: 2 }, since: 1_000, slurmJobId: null, done: true };
    expect(scaleNews(w, detail([node(7, 'pending'), node(8, 'pending')]), [])).toMatch(
      /^asked Slurm for 2 nodes \(Slurm jobs 7, 8 pending/,
    );
    const agents = [{ node: 'node3', slurmJobId: 7, state: 'active' }] as JobDetail['agents'];
    expect(
      scaleNews(w, detail([node(7, 'running', ['node3']), node(8, 'pending')], agents), []),
    ).toBe('asked Slurm for 2 nodes (Slurm jobs 7, 8) → node3 joined; 1 node(s) in use');
  });
});
