import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail } from '../../src/api/types.js';
import { readAddress, readToken } from '../../src/coordinator/state-dir.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { makeTinyScene } from '../renderers/blender/tiny-scene.js';
import { launchBrowser, loginUrl, newPage, shot } from '../viewer/browser.js';

// A shared farm on the local cluster (4 nodes × 4 GPUs): one job holds every node; the jobs
// submitted after it say they wait and for whom, count no time while they wait, and start in
// the order of their priorities once the nodes are free.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-farm-');
const gate = path.join(root, 'open');
let scene = '';
let coord: CoordinatorProcess;

const cli = (args: string[]) =>
  runCli([...args, '--state-dir', coord.stateDir], { env: { SLURM_CONF: slurmConf } });
const get = (id: string) => coord.api<JobDetail>('GET', `/api/jobs/${id}`);
/** When Slurm started the job's first allocation, from its history. */
const slurmStart = (j: JobDetail) => j.events.find((e) => e.type === 'allocation:running')?.at;

beforeAll(async () => {
  scene = await makeTinyScene(root);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  writeFileSync(gate, '');
  await cleanUp(slurm, root, coord);
});

describe('a shared farm', () => {
  it('shows jobs waiting for the one holding every node, then starts them by priority', async () => {
    // j1: a task on each of the 16 GPUs, all held until the test opens the gate (a node with
    // nothing left to lease would go back to Slurm at once).
    const holder = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'command',
      nodes: 4,
      gpusPerNode: 4,
      tasks: Array.from({ length: 16 }, (_, i) =>
        JSON.stringify({
          id: `hold${i}`,
          argv: ['sh', '-c', `while [ ! -e '${gate}' ]; do sleep 0.2; done`],
        }),
      ).join('\n'),
    });
    await coord.waitFor(holder.id, (j) => j.progress.leased === 16, 180_000);

    // Two renders (every node each, so one at a time) submitted together at the default priority.
    const render = { kind: 'blender', scene, frames: '1-2', nodes: 4, gpusPerNode: 1 };
    const [early, later] = await Promise.all(
      [0, 1].map(() => coord.api<JobDetail>('POST', '/api/jobs', render)),
    );
    const waiting = async (id: string) =>
      coord.waitFor(id, (j) => j.waiting !== null && j.waiting.slurmReason !== '', 30_000);
    for (const id of [early!.id, later!.id]) {
      const j = await waiting(id);
      expect(j.state).toBe('running');
      expect(j.waiting?.heldBy).toEqual([holder.id]);
      expect(j.waiting?.reason).toMatch(new RegExp(`4 GPU nodes busy with ${holder.id}\\)?$`));
      expect(j.startedAt).toBeNull();
      expect(j.elapsedSeconds).toBe(0);
    }
    const status = cli(['status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${early!.id} .* waiting +50 `));
    expect(status.stdout).toContain(`${early!.id} waiting`);

    // The viewer's list and page say the same, and the page raises the later one to 95.
    const browser = await launchBrowser();
    try {
      const base = readAddress(coord.stateDir)?.url ?? '';
      const { page, errors } = await newPage(browser);
      await page.goto(await loginUrl(base, readToken(coord.stateDir) ?? ''));
      await page.goto(`${base}/#/jobs`);
      const row = page.locator(`tr[data-job=${early!.id}]`);
      await expect.poll(() => row.locator('[data-role=state]').textContent()).toBe('waiting');
      expect(await row.locator('[data-role=waiting]').textContent()).toContain(holder.id);
      await page.goto(`${base}/#/job/${later!.id}`);
      await expect
        .poll(() => page.locator('[data-role=waiting]').first().textContent())
        .toContain(holder.id);
      await page.locator('[data-role=priority-input]').fill('95');
      await page.locator('[data-action=priority]').click();
      await expect
        .poll(() => page.locator('[data-role=notice]').first().textContent())
        .toContain('priority 50 → 95: 4 waiting Slurm job(s) reordered');
      await shot(page, 'farm-waiting');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
    expect((await get(later!.id)).priority).toBe(95);

    // A render submitted after them with --priority 90, then raised a little with the CLI.
    const urgent = cli([
      'submit',
      'blender',
      scene,
      '--frames',
      '1-2',
      '--nodes',
      '4',
      '--gpus-per-node',
      '1',
      '--priority',
      '90',
    ]);
    expect(urgent.code, urgent.stderr).toBe(0);
    const urgentId = urgent.stdout.trim();
    expect((await waiting(urgentId)).priority).toBe(90);
    const raised = cli(['priority', urgentId, '92']);
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.stdout).toContain('priority 90 → 92: 4 waiting Slurm job(s) reordered');

    await sleep(3_000);
    expect((await get(early!.id)).elapsedSeconds).toBe(0);

    // Nothing of the others can start before the holder is let go.
    const released = Date.now();
    writeFileSync(gate, '');
    const done = [];
    for (const id of [later!.id, urgentId, early!.id])
      done.push(await coord.waitFor(id, ended, 400_000));
    for (const j of done) expect(j.state, j.error ?? '').toBe('succeeded');
    // Slurm started them by priority: 95, then 92, then the one left at 50, submitted first.
    const starts = done.map(slurmStart);
    expect(starts.every((s) => s !== undefined)).toBe(true);
    expect(starts).toEqual([...starts].sort((a, b) => a! - b!));
    // The first render's time counts from its first agent, not from its submission. (Not
    // compared with its allocation:running event: that is when the coordinator's poll saw Slurm
    // start the node job, which may come after the agent there registered.)
    const first = done[2]!;
    expect(first.startedAt).toBeGreaterThan(released);
    expect(first.elapsedSeconds).toBeLessThan((first.finishedAt! - first.createdAt) / 1000 - 5);
    expect(first.waiting).toBeNull();
    expect((await get(holder.id)).state).toBe('succeeded');
  });
});
