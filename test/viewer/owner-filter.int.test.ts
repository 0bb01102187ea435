import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../src/coordinator/service.js';
import type { JobRow } from '../../src/coordinator/store/types.js';
import { tokenHash } from '../../src/coordinator/users/enrolment.js';
import { launchBrowser, loginUrl, newPage, shot } from './browser.js';

// The jobs list's "my jobs / everyone's" filter, for a user signed in with a token of their own
// (enrolled as another Unix user, `nobody`, by a file chowned to them as their CLI would make it).

const root = mkdtempSync('/tmp/ct-viewer-owners-');
const NOBODY = 65534;
const token = 'k'.repeat(48);
let running: RunningCoordinator;
let browser: Browser;

function job(id: string, seq: number, owner: string | null, name: string): JobRow {
  const dir = path.join(root, 'state', 'jobs', id);
  return {
    id,
    seq,
    kind: 'command',
    name,
    state: 'running',
    spec: { kind: 'command', tasks: '' },
    dir,
    outputDir: path.join(dir, 'output'),
    agentToken: `${id}`.padEnd(48, 'x'),
    nodesWanted: 1,
    gpusPerNode: 1,
    priority: 50,
    owner,
    auto: null,
    video: null,
    error: null,
    createdAt: Date.now() - seq * 1000,
    finishedAt: null,
  };
}

beforeAll(async () => {
  running = await startCoordinator({
    stateDir: path.join(root, 'state'),
    port: 0,
    slurmConf: inject('slurmConf'),
    partition: 'gpu',
    reconcileMs: 3_600_000,
  });
  const c = running.coordinator;
  c.store.insertJob(job('j1', 1, null, 'operator job'), [], []);
  c.store.insertJob(job('j2', 2, 'nobody', 'nobody job'), [], []);
  const file = path.join(root, 'state', 'users', tokenHash(token));
  writeFileSync(file, tokenHash(token));
  chownSync(file, NOBODY, NOBODY);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  rmSync(root, { recursive: true, force: true });
});

const shownJobs = (page: import('playwright-core').Page) =>
  page
    .locator('[data-role=jobs] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-job')));

describe("the viewer's owner filter", () => {
  it("shows a user their own jobs first, everyone's when asked, with each job's owner", async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(await loginUrl(running.url, token));
    const filter = page.locator('[data-role=job-owner-filter]');
    await expect.poll(() => filter.inputValue(), { timeout: 20_000 }).toBe('mine');
    await expect.poll(() => shownJobs(page)).toEqual(['j2']);
    expect(await filter.locator('option[value=mine]').textContent()).toBe('my jobs (nobody)');
    await filter.selectOption('all');
    await expect.poll(() => shownJobs(page)).toEqual(['j1', 'j2']);
    expect(await page.locator('[data-job=j1] [data-role=owner]').textContent()).toBe('operator');
    expect(await page.locator('[data-job=j2] [data-role=owner]').textContent()).toBe('nobody');
    await shot(page, 'owner-filter');
    expect(errors).toEqual([]);
  });

  it("offers no change of another user's job, and says whose it is", async () => {
    const { page, errors } = await newPage(browser);
    await page.goto(await loginUrl(running.url, token));
    await expect.poll(() => shownJobs(page), { timeout: 20_000 }).toEqual(['j2']);
    await page.locator('[data-role=job-owner-filter]').selectOption('all');
    // the list: their own job may be cancelled, the operator's not
    await expect
      .poll(() => page.locator('[data-job=j1] [data-action=cancel]').isDisabled())
      .toBe(true);
    expect(await page.locator('[data-job=j2] [data-action=cancel]').isDisabled()).toBe(false);
    // the operator's job's page: every control disabled, and why
    await page.goto(`${running.url}/#/job/j1`);
    const actions = page.locator('.job-actions .actions');
    await expect.poll(() => actions.getAttribute('data-not-yours'), { timeout: 20_000 }).toBe('');
    for (const a of ['cancel', 'suspend', 'scale-add', 'scale-remove'])
      expect(await actions.locator(`[data-action=${a}]`).isDisabled(), a).toBe(true);
    for (const input of await actions.locator('input').all())
      expect(await input.isDisabled()).toBe(true);
    expect(await page.locator('.job-actions [data-role=notice]').textContent()).toBe(
      'Job j1 belongs to the operator: only the operator may change it',
    );
    await shot(page, 'not-yours');
    // their own job's page: offered
    await page.goto(`${running.url}/#/job/j2`);
    await expect
      .poll(() => actions.locator('[data-action=cancel]').isDisabled(), { timeout: 20_000 })
      .toBe(false);
    expect(await actions.getAttribute('data-not-yours')).toBeNull();
    // the farm page: only their own job can be selected for its actions
    await page.goto(`${running.url}/#/farm`);
    const box = (id: string) =>
      page.locator(`[data-role=queue] [data-job=${id}] [data-role=select-job]`);
    await expect.poll(() => box('j1').isDisabled(), { timeout: 20_000 }).toBe(true);
    expect(await box('j2').isDisabled()).toBe(false);
    expect(await box('j1').getAttribute('title')).toContain('belongs to the operator');
    expect(errors).toEqual([]);
  });

  it('shows the operator every job first', async () => {
    const { page } = await newPage(browser);
    await page.goto(await loginUrl(running.url, running.token));
    const filter = page.locator('[data-role=job-owner-filter]');
    await expect.poll(() => shownJobs(page), { timeout: 20_000 }).toEqual(['j1', 'j2']);
    expect(await filter.inputValue()).toBe('all');
    await filter.selectOption('mine');
    await expect.poll(() => shownJobs(page)).toEqual(['j1']);
  });
});
