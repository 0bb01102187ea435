import { userInfo } from 'node:os';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail } from '../../src/api/types.js';
import { readAddress, readToken } from '../../src/coordinator/state-dir.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess } from '../helpers/coordinator.js';
import { launchBrowser, loginUrl, newPage, shot } from './browser.js';

// The farm page on the local cluster (4 nodes): a job holding three nodes, one whose agent is
// blocklisted (its tasks fail while a marker file exists) and that then holds the fourth, and two
// jobs waiting for nodes. The queue in start order with wait reasons, several jobs selected for
// a priority, a suspend and a cancel, and a blocklist cleared from the page.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-farm-page-');
const broken = path.join(root, 'broken');
let coord: CoordinatorProcess;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, [
    '--suspend-grace-seconds',
    '2',
  ]);
  await coord.start();
  browser = await launchBrowser();
  ({ page, errors } = await newPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await cleanUp(slurm, root, coord);
});

/**
 * A command job of `tasks` tasks that sleep a long time; those of `flaky` fail instead while
 * `broken` exists (the others look at a file nobody writes).
 */
function submit(name: string, tasks: number, extra: string[], flaky = false): string {
  const file = path.join(root, `${name}.jsonl`);
  const lines = Array.from({ length: tasks }, (_, i) => JSON.stringify({ id: `${name}${i}` }));
  writeFileSync(file, lines.join('\n') + '\n');
  const argv = [
    'python3',
    '-c',
    'import os,sys,time\nif os.path.exists(sys.argv[1]): sys.exit("broken on purpose")\ntime.sleep(600)',
    flaky ? broken : path.join(root, 'never'),
  ];
  const r = runCli([
    ...['submit', 'command', '--tasks', file, '--command', JSON.stringify(argv)],
    ...['--name', name, ...extra, '--state-dir', coord.stateDir],
  ]);
  if (r.code !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

const base = () => readAddress(coord.stateDir)?.url ?? '';
const job = (id: string) => coord.api<JobDetail>('GET', `/api/jobs/${id}`);

async function until(id: string, ok: (j: JobDetail) => boolean, ms = 60_000): Promise<JobDetail> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await job(id);
    if (ok(j)) return j;
    if (Date.now() > end)
      throw new Error(
        `job ${id} never got there: ${j.state} ${JSON.stringify({ waiting: j.waiting, allocations: j.allocations, agents: j.agents.map((a) => [a.id, a.state]) })}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The queue's job ids as the page lists them, top to bottom. */
const queueOrder = () =>
  page
    .locator('[data-role=queue] tbody tr[data-job]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')));
const row = (id: string) => page.locator(`[data-role=queue] tr[data-job="${id}"]`);
const select = async (...ids: string[]) => {
  for (const id of ids) await row(id).locator('[data-role=select-job]').check();
};

describe('the farm page', () => {
  it('shows nodes with their agents, the queue in start order with wait reasons, acts on several jobs at once, and clears a blocklist', async () => {
    const holder = submit('holder', 6, ['--nodes', '3', '--gpus-per-node', '2']);
    await until(holder, (j) => j.progress.leased >= 6);
    // Its tasks fail while the marker exists: the one agent is blocklisted after three failures.
    writeFileSync(broken, '');
    const flaky = submit('flaky', 4, ['--nodes', '1', '--gpus-per-node', '1'], true);
    await until(flaky, (j) => j.agents.some((a) => a.state === 'blocked'));
    rmSync(broken);
    // Its node job ended with the agent; the job starts again and its next agent works.
    await until(flaky, (j) => j.progress.leased >= 1);
    const low = submit('low', 2, ['--nodes', '1', '--priority', '30']);
    const high = submit('high', 2, ['--nodes', '1', '--priority', '70']);
    await until(low, (j) => j.waiting !== null);
    await until(high, (j) => j.waiting !== null);

    await page.goto(
      await loginUrl(readAddress(coord.stateDir)?.url ?? '', readToken(coord.stateDir) ?? ''),
    );
    await page.locator('header.top').waitFor();
    await page.locator('header.top nav a[href="#/farm"]').click();
    await expect.poll(queueOrder).toEqual([high, holder, flaky, low]);
    // Each waiting job says why: the nodes are busy with this coordinator's jobs.
    for (const id of [low, high])
      await expect
        .poll(() => row(id).locator('[data-role=waiting]').textContent())
        .toMatch(/^waiting.*4 GPU nodes busy with/);
    // Submitted by the operator (whoever runs the tests), and recorded as theirs.
    await expect
      .poll(() => row(low).locator('[data-role=owner]').textContent())
      .toBe(userInfo().username);
    // Every node's agents: the holder's two GPUs on three nodes, the flaky job's one on the fourth.
    await expect.poll(() => page.locator('[data-role=farm-nodes] [data-agent]').count()).toBe(7);
    await expect
      .poll(() => page.locator(`[data-role=farm-nodes] [data-agent^="${holder}."]`).count())
      .toBe(6);
    // The blocklisted agent, under its job.
    const blocked = page.locator(`[data-role=blocked] tr[data-job="${flaky}"]`);
    await expect.poll(() => blocked.locator('[data-agent]').count()).toBe(1);
    await expect.poll(() => blocked.textContent()).toMatch(/GPU 0 \(3 failures\)/);
    await shot(page, 'farm-page');

    // Two jobs selected, one priority: both change, and the queue reorders (older first at 80).
    await select(low, high);
    await expect
      .poll(() => page.locator('[data-role=selected-count]').textContent())
      .toBe('2 selected');
    await page.locator('[data-role=farm-priority]').fill('80');
    await page.locator('[data-action=priority]').click();
    await expect
      .poll(() => page.locator('[data-role=farm-notice]').textContent())
      .toMatch(new RegExp(`^Priority 80: (${low}, ${high}|${high}, ${low}) done$`));
    expect((await job(low)).priority).toBe(80);
    expect((await job(high)).priority).toBe(80);
    await expect.poll(queueOrder).toEqual([low, high, holder, flaky]);

    // The same two suspended: shown as such, recorded, and their node jobs waiting in Slurm go.
    await page.locator('[data-action=suspend]').click();
    for (const id of [low, high]) {
      await expect.poll(() => row(id).locator('[data-role=state]').textContent()).toBe('suspended');
      await until(id, (j) => j.allocations.every((a) => a.state === 'ended'));
      expect((await job(id)).events.map((e) => e.type)).toContain('job:suspended');
    }
    await shot(page, 'farm-page-suspended');
    // One resumed from its own page (its button says Resume while it is suspended), the other
    // from the farm page: both wait for nodes again.
    await page.goto(`${base()}/#/job/${low}`);
    await expect
      .poll(() => page.locator('[data-role=state]').first().textContent())
      .toBe('suspended');
    await page.locator('[data-action=resume]').waitFor();
    await shot(page, 'job-page-suspended');
    await page.locator('[data-action=resume]').click();
    await expect
      .poll(() => page.locator('[data-role=state]').first().textContent())
      .toBe('waiting');
    await expect.poll(() => page.locator('[data-action=suspend]').count()).toBe(1);
    await page.goto(`${base()}/#/farm`);
    await select(high);
    await page.locator('[data-action=resume]').click();
    for (const id of [low, high])
      await expect.poll(() => row(id).locator('[data-role=state]').textContent()).toBe('waiting');
    expect((await job(low)).events.map((e) => e.type)).toContain('job:resumed');

    // The blocklist cleared from the page: the agent is forgotten, and the event says so.
    await blocked.locator('[data-action=clear-blocked]').click();
    await expect
      .poll(() => page.locator('[data-role=blocked-notice]').textContent())
      .toMatch(/blocklist cleared: 1 agent\(s\) on node\d forgotten/);
    await expect
      .poll(() => page.locator('[data-role=blocked]').textContent())
      .toMatch(/No agent is blocklisted/);
    const cleared = await job(flaky);
    expect(cleared.agents.filter((a) => a.state === 'blocked')).toEqual([]);
    expect(cleared.events.map((e) => e.type)).toContain('agent:cleared');

    // Everything selected and cancelled (the first click asks to confirm).
    await select(low, holder, flaky);
    await page.locator('[data-action=cancel]').click();
    await expect
      .poll(() => page.locator('[data-role=farm-notice]').textContent())
      .toMatch(/Click again/);
    await page.locator('[data-action=cancel]').click();
    for (const id of [low, high, holder, flaky]) await until(id, (j) => j.state === 'cancelled');
    await expect
      .poll(() => page.locator('[data-role=queue] tbody').textContent())
      .toMatch(/No job is queued or running/);
    expect(existsSync(broken)).toBe(false);
    expect(errors).toEqual([]);
  });
});
