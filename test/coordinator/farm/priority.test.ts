import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reconcileAllocations } from '../../../src/coordinator/allocations/reconcile.js';
import { niceOf } from '../../../src/coordinator/allocations/nice.js';
import { SlurmAllocator } from '../../../src/coordinator/allocations/slurm-allocator.js';
import type { JobRow } from '../../../src/coordinator/store/types.js';
import { SlurmClient } from '../../../src/slurm/client.js';
import { withSharedFields } from '../../../src/cli/commands/submit-job.js';
import { testCoordinator } from '../view/setup.js';

function allocator() {
  const commands: string[] = [];
  const slurmConf = path.join(mkdtempSync(path.join(os.tmpdir(), 'ct-nice-')), 'slurm.conf');
  writeFileSync(slurmConf, '');
  const client = new SlurmClient({ slurmConf, onCommand: (line) => commands.push(line) });
  const a = new SlurmAllocator({
    client,
    instance: 'abc123',
    coordinatorUrl: 'http://127.0.0.1:1',
    agentCommand: ['agent'],
  });
  return { a, commands };
}

describe('priority to Slurm nice', () => {
  it('gives the highest priority nice 0 and every lower one more, never below 0', () => {
    expect(niceOf(100)).toBe(0);
    expect(niceOf(90)).toBe(1000);
    expect(niceOf(50)).toBe(5000);
    expect(niceOf(1)).toBe(9900);
    for (let p = 1; p < 100; p++) expect(niceOf(p)).toBeGreaterThan(niceOf(p + 1));
  });

  it("submits an allocation with its job's nice, and renices a waiting one with scontrol", async () => {
    const { a, commands } = allocator();
    const t = testCoordinator();
    const job = await t.c.submit({
      kind: 'blender',
      scene: t.scene,
      frames: '1',
      nodes: 1,
      priority: 90,
    });
    const row: JobRow = t.store.jobs.get(job.id)!;
    expect(row.priority).toBe(90);
    expect(a.plan(row, { nodes: 1, role: 'primary' }).args).toContain('--nice=1000');
    expect(a.plan({ ...row, priority: 50 }, { nodes: 1, role: 'primary' }).args).toContain(
      '--nice=5000',
    );
    await expect(a.renice(4242, 100)).rejects.toThrow();
    expect(commands).toEqual(['scontrol update JobId=4242 Nice=0']);
  });
});

describe("a job's priority", () => {
  it('defaults to 50, is refused outside 1..100, and is checked by the CLI before sending', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1', nodes: 1 });
    expect(t.store.jobs.get(job.id)?.priority).toBe(50);
    for (const priority of [0, 101, 2.5])
      await expect(
        t.c.submit({ kind: 'blender', scene: t.scene, frames: '1', nodes: 1, priority }),
      ).rejects.toThrow(/priority must be a whole number from 1 to 100/);
    const req = { kind: 'command' as const, nodes: 1 };
    expect(withSharedFields({ priority: 70 }, req)).toEqual({ ...req, priority: 70 });
    expect(withSharedFields({}, req)).toEqual(req);
    expect(() => withSharedFields({ priority: 500 }, req)).toThrow(/--priority must be/);
  });

  it('changes on a running job: its waiting allocations are reniced, its running ones left alone', async () => {
    const t = testCoordinator(4);
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1-8', nodes: 1 });
    await reconcileAllocations(t.c.reconcilePorts);
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);
    t.port.pendingReason = 'Priority';
    await t.c.scale(job.id, { add: 1 });
    const [running, waiting] = t.store.allocations.list(job.id);
    t.clock.now += 1_000;
    await reconcileAllocations(t.c.reconcilePorts);

    await t.c.setPriority(job.id, 80);
    expect(t.store.jobs.get(job.id)?.priority).toBe(80);
    expect(t.port.reniced).toEqual([{ slurmJobId: waiting!.slurmJobId, priority: 80 }]);
    expect(t.port.reniced.map((r) => r.slurmJobId)).not.toContain(running!.slurmJobId);
    const said = t.store.events.latest(job.id, 'job:priority');
    expect(said?.message).toBe('priority 50 → 80: 1 waiting Slurm job(s) reordered');
    expect(said?.data).toEqual({ from: 50, to: 80, slurmJobIds: [waiting!.slurmJobId] });
    expect(t.c.detail(job.id).priority).toBe(80);
  });

  it('is refused on an ended job and outside 1..100, saying what to do', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1', nodes: 1 });
    await expect(t.c.setPriority(job.id, 0)).rejects.toThrow(/from 1 to 100/);
    t.c.cancel(job.id);
    await expect(t.c.setPriority(job.id, 90)).rejects.toThrow(
      /has cancelled; only a queued or running job's priority changes/,
    );
    await expect(t.c.setPriority('j99', 90)).rejects.toThrow(/no job j99/);
  });
});
