import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp, CoordinatorProcess, ended, noAllocationLeft } from '../helpers/coordinator.js';
import { makeTinyScene } from '../renderers/blender/tiny-scene.js';

// Submissions at the same moment, of mixed kinds, through the real API and the real cluster:
// each gets its own job, its agents register, and it finishes.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-parallel-');
let tiny = '';
let coord: CoordinatorProcess;

beforeAll(async () => {
  tiny = await makeTinyScene(root);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

describe('fifty submissions at the same moment', () => {
  it('all succeed with their own ids, and every job registers its agents and finishes', async () => {
    const bodies = Array.from({ length: 50 }, (_, i) =>
      i % 5 === 0
        ? { kind: 'blender', scene: tiny, frames: String(1 + (i % 4)), nodes: 1, gpusPerNode: 1 }
        : {
            kind: 'command',
            nodes: 1,
            gpusPerNode: 1,
            tasks: JSON.stringify({ id: `t${i}`, argv: ['true'] }),
          },
    );
    const jobs = await Promise.all(bodies.map((b) => coord.api<JobDetail>('POST', '/api/jobs', b)));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(50);
    for (const job of jobs) {
      const done = await coord.waitFor(job.id, ended, 600_000);
      expect({ id: done.id, state: done.state, error: done.error }).toEqual({
        id: job.id,
        state: 'succeeded',
        error: null,
      });
      expect(done.events.filter((e) => e.type === 'agent:refused')).toEqual([]);
      expect(done.events.some((e) => e.type === 'agent:registered')).toBe(true);
      expect(done.allocations.filter((a) => a.role === 'primary')).toHaveLength(1);
    }
    await noAllocationLeft(slurm);
  });
});
