import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CoordinatorHealth, JobDetail } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp, CoordinatorProcess, ended, noAllocationLeft } from '../helpers/coordinator.js';
import { makeTinyScene } from '../renderers/blender/tiny-scene.js';

// The coordinator's state directory on a small disk of its own (a tmpfs), filled while a job
// renders and then freed: the outage is the coordinator's, so no agent is dropped, no
// allocation ends, `status` shows it while it lasts, and every frame lands once.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-state-disk-');
const disk = path.join(root, 'disk');
const filler = path.join(disk, 'filler');
let tiny = '';
let coord: CoordinatorProcess;

beforeAll(async () => {
  tiny = await makeTinyScene(root);
  mkdirSync(disk);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', disk]);
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
  execFileSync('umount', ['-l', disk]);
  await cleanUp(slurm, root, undefined);
});

/** Fills the disk to the last byte. */
function fill(): void {
  try {
    writeFileSync(filler, Buffer.alloc(128 * 1024 * 1024));
  } catch {
    // ENOSPC once the disk is full: what was written stays.
  }
}

describe('a full disk under the coordinator', () => {
  it('costs no agent and no allocation, shows while it lasts, and loses no frame', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene: tiny,
      frames: '1-16',
      nodes: 2,
    });
    await coord.waitFor(job.id, (j) => j.progress.done >= 2 || ended(j));
    fill();
    let seen = false;
    for (let i = 0; i < 40; i++) {
      await sleep(500);
      const h = await coord.api<CoordinatorHealth>('GET', '/api/coordinator');
      seen ||= h.writeOutage !== null;
    }
    // Longer than the 5 s lease and the 8 s agent timeout.
    expect(seen).toBe(true);
    rmSync(filler);
    const done = await coord.waitFor(job.id, ended, 300_000);
    expect({ state: done.state, error: done.error }).toEqual({ state: 'succeeded', error: null });
    expect(done.progress.done).toBe(16);
    expect(done.events.filter((e) => e.type === 'agent:gone')).toEqual([]);
    expect(done.allocations).toHaveLength(1);
    expect((await coord.api<CoordinatorHealth>('GET', '/api/coordinator')).writeOutage).toBeNull();
    await noAllocationLeft(slurm);
  });
});
