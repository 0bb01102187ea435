import { describe, expect, it } from 'vitest';
import { testCoordinator } from '../view/setup.js';

describe('scale --nodes-list', () => {
  it('names a node the job does not hold as such, even when it holds only one', async () => {
    const h = testCoordinator();
    const job = await h.c.submit({ kind: 'blender', scene: h.scene, frames: '1-4', nodes: 1 });
    const [alloc] = h.store.allocations.list(job.id);
    h.store.allocations.update(alloc!.slurmJobId, { state: 'running', nodes: ['node1'] });
    await expect(h.c.scaler.scale(job.id, { nodeList: ['node3'] })).rejects.toThrow(
      /job j1 does not hold node node3 \(it holds node1\)/,
    );
  });
});
