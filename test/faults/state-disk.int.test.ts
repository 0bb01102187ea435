import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CoordinatorHealth, JobDetail } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp, CoordinatorProcess, ended, noAllocationLeft } from '../helpers/coordinator.js';
import { makeTinyScene } from '../renderers/blender/tiny-scene.js';
import { smallDisk } from '../helpers/small-disk.js';

// The coordinator's state directory on a small disk of its own (a tmpfs), filled while a job
// renders and then freed: the outage is the coordinator's, so no agent is dropped, no
// allocation ends, `status` shows it while it lasts, and every frame lands once.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-state-disk-');
const disk = path.join(root, 'disk');
let tiny = '';
let coord: CoordinatorProcess;
let small: ReturnType<typeof smallDisk>;

beforeAll(async () => {
  tiny = await makeTinyScene(root);
  small = smallDisk(disk, '64m');
  coord = new CoordinatorProcess(path.join(disk, 'state'), slurmConf, [
    '--lease-seconds',
    '5',
    '--agent-timeout-seconds',
    '8',
  ]);
  await coord.start();
});

afterAll(async () => {
  await coord?.stop();
  small?.unmount();
  await cleanUp(slurm, root, undefined);
});

describe('a full disk under the coordinator', () => {
  it('costs no agent and no allocation, shows while it lasts, and loses no frame', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene: tiny,
      frames: '1-16',
      nodes: 2,
    });
    await coord.waitFor(job.id, (j) => j.progress.done >= 2 || ended(j));
    small.fill();
    let seen = false;
    for (let i = 0; i < 40; i++) {
      await sleep(500);
      const h = await coord.api<CoordinatorHealth>('GET', '/api/coordinator');
      seen ||= h.writeOutage !== null;
    }
    // Longer than the 5 s lease and the 8 s agent timeout.
    expect(seen).toBe(true);
    small.free();
    const done = await coord.waitFor(job.id, ended, 300_000);
    expect({ state: done.state, error: done.error }).toEqual({ state: 'succeeded', error: null });
    expect(done.progress.done).toBe(16);
    // Agents leaving with their allocation once the job is done are routine (`detail`).
    expect(done.events.filter((e) => e.type === 'agent:gone' && e.level !== 'detail')).toEqual([]);
    // Its two node jobs (one Slurm job per node), none submitted again.
    expect(done.allocations).toHaveLength(2);
    expect((await coord.api<CoordinatorHealth>('GET', '/api/coordinator')).writeOutage).toBeNull();
    await noAllocationLeft(slurm);
  });
});
