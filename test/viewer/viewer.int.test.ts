import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail } from '../../src/coordinator/api-types.js';
import { readAddress, readToken } from '../../src/coordinator/state-dir.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { launchBrowser, loginUrl, newPage, shot } from './browser.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-viewer-');
let scene = '';
let coord: CoordinatorProcess;
let browser: Browser;
let base = '';
let token = '';

beforeAll(async () => {
  scene = await ensureSampleScene(path.join(root, 'sample.blend'));
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
  base = readAddress(coord.stateDir)?.url ?? '';
  token = readToken(coord.stateDir) ?? '';
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await cleanUp(slurm, root, coord);
});

async function signedIn(): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const p = await newPage(browser);
  await p.page.goto(await loginUrl(base, token));
  await p.page.locator('header.top').waitFor();
  return p;
}

const submit = (body: Record<string, unknown>) =>
  coord.api<JobDetail>('POST', '/api/jobs', { kind: 'blender', scene, ...body });

describe('the viewer page on a coordinator with real Blender jobs', () => {
  it('shows a login prompt without a token, answers 401, and takes a one-time code only once', async () => {
    const { page } = await newPage(browser);
    await page.goto(`${base}/`);
    await page.locator('[data-role=login]').waitFor();
    expect((await fetch(`${base}/api/jobs`)).status).toBe(401);
    expect((await fetch(`${base}/api/events`)).status).toBe(401);
    expect((await fetch(`${base}/api/login-codes`, { method: 'POST' })).status).toBe(401);
    const url = await loginUrl(base, token);
    const code = new URL(url).hash.replace('#code=', '');
    const redeem = () =>
      fetch(`${base}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code }),
      });
    const first = await redeem();
    expect(first.status).toBe(200);
    expect(((await first.json()) as { token: string }).token).toBe(token);
    expect((await redeem()).status).toBe(401);
    // A used link lands on the prompt with a reason; a wrong pasted token is refused.
    await page.goto(url);
    await expect
      .poll(() => page.locator('[data-role=login-error]').textContent())
      .toMatch(/unknown, used or expired/);
    await page.fill('[data-role=token]', 'not-the-token');
    await page.click('[data-role=login] button');
    await expect
      .poll(() => page.locator('[data-role=login-error]').textContent())
      .toMatch(/not accepted/);
    await shot(page, 'login');
    await page.fill('[data-role=token]', token);
    await page.click('[data-role=login] button');
    await page.locator('[data-role=jobs]').waitFor();
    expect(page.url()).not.toContain(token);
    await page.context().close();
  });

  it('shows a job appear and progress live without a reload, with thumbnails, full frames, timeline, logs and the video', async () => {
    const { page, errors } = await signedIn();
    expect(page.url()).not.toContain('code=');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const job = await submit({ frames: '1-48', nodes: 2, name: 'viewer demo' });
    const row = page.locator(`tr[data-job="${job.id}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.locator('[data-role=job-link]').click();
    const done = page.locator('[data-role=done]');
    await done.waitFor();
    const seen = new Set<string>();
    await expect
      .poll(async () => seen.add((await done.textContent()) ?? '').size, {
        timeout: 180_000,
        interval: 200,
      })
      .toBeGreaterThanOrEqual(3);
    await page.locator('[data-role=frame-grid] .cell img').first().waitFor({ timeout: 120_000 });
    await shot(page, 'job-running');
    const cluster = await newPage(browser);
    await cluster.page.goto(await loginUrl(base, token));
    await cluster.page.goto(`${base}/#/cluster`);
    await cluster.page
      .locator(`[data-role=nodes] a[href="#/job/${job.id}"]`)
      .first()
      .waitFor({ timeout: 30_000 });
    await shot(cluster.page, 'cluster');
    await cluster.page.context().close();

    await coord.waitFor(job.id, ended);
    await expect.poll(() => done.textContent(), { timeout: 30_000 }).toBe('48/48');
    await page.locator('[data-role=video]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-role=frame-grid] .cell.done').count()).toBeGreaterThan(10);
    await page.locator('[data-frame="1"]').click();
    await page.locator('[data-role=lightbox] img').waitFor();
    await shot(page, 'full-frame');
    await page.locator('[data-role=lightbox]').click();
    await page.selectOption('[data-role=log-agent]', { index: 1 });
    await expect
      .poll(() => page.locator('[data-role=logs]').textContent())
      .not.toMatch(/^(…|\(no lines yet\))$/);
    expect(await page.locator('[data-role=events]').textContent()).toContain('job:succeeded');
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
    await shot(page, 'job-done');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('sends the scale, auto and cancel requests from the job list and shows what the coordinator answered', async () => {
    const { page } = await signedIn();
    const job = await submit({ frames: '1-48', nodes: 1, name: 'scale me' });
    const row = page.locator(`tr[data-job="${job.id}"]`);
    await row.waitFor({ timeout: 20_000 });
    const notice = row.locator('[data-role=notice]');
    const click = async (action: string) => {
      const [req] = await Promise.all([
        page.waitForRequest((r) => r.url().endsWith(`/api/jobs/${job.id}/scale`)),
        row.locator(`[data-action=${action}]`).click(),
      ]);
      const res = await req.response();
      const body = (await res?.json()) as { error?: string };
      await expect.poll(() => notice.textContent()).not.toMatch(/…$/);
      if (res?.status() === 200) expect(await notice.textContent()).toMatch(/: done/);
      else expect(await notice.textContent()).toContain(body.error ?? '?');
      return {
        sent: req.postDataJSON() as unknown,
        status: res?.status(),
        text: await notice.textContent(),
      };
    };
    const add = await click('scale-add');
    expect(add.sent).toEqual({ add: 1 });
    if (add.status !== 200) expect(add.text).toMatch(/failed: scaling is not available/);
    await shot(page, 'scale-result');
    await row.locator('[data-role=auto-max]').fill('3');
    const auto = await click('auto-on');
    expect(auto.sent).toEqual({ auto: { min: 1, max: 3 } });
    const off = await click('auto-off');
    expect(off.sent).toEqual({ auto: false });
    await row.locator('[data-action=cancel]').click();
    await expect
      .poll(() => row.locator('.state').textContent(), { timeout: 20_000 })
      .toBe('cancelled');
    await page.context().close();
  });

  it('marks failed frames with their error tail and requeues one from the page, which then renders', async () => {
    const bad = path.join(root, 'broken.blend');
    writeFileSync(bad, readFileSync(scene).subarray(0, 200));
    const job = await submit({
      scene: bad,
      frames: '1-2',
      nodes: 1,
      gpusPerNode: 3,
      name: 'broken scene',
    });
    await coord.waitFor(job.id, ended);
    const { page, errors } = await signedIn();
    await page.goto(`${base}/#/job/${job.id}`);
    const item = page.locator('[data-failed-frame="1"]');
    await item.waitFor();
    expect(await page.locator('[data-frame="1"]').getAttribute('data-state')).toBe('failed');
    expect(await item.locator('pre').textContent()).toBeTruthy();
    await shot(page, 'failed-frames');
    copyFileSync(scene, bad);
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/retry')),
      item.locator('[data-action=requeue]').click(),
    ]);
    expect(req.postDataJSON()).toEqual({ frames: '1' });
    await expect
      .poll(() => page.locator('[data-role=requeue-notice]').textContent())
      .toBe('Requeued frame 1');
    await expect
      .poll(() => page.locator('[data-frame="1"]').getAttribute('data-state'), {
        timeout: 180_000,
        interval: 500,
      })
      .toBe('done');
    await page.locator('[data-frame="1"] img').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-frame="2"]').getAttribute('data-state')).toBe('failed');
    await shot(page, 'requeued-frame');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a job named like markup as plain text, running nothing', async () => {
    const name = '<img src=x onerror=alert(1)>';
    const { page, dialogs, errors } = await signedIn();
    const job = await submit({ frames: '1', nodes: 1, gpusPerNode: 1, name });
    const link = page.locator(`tr[data-job="${job.id}"] [data-role=job-link]`);
    await link.waitFor({ timeout: 20_000 });
    expect(await link.textContent()).toBe(name);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await link.click();
    await expect.poll(() => page.locator('[data-role=job-name]').textContent()).toBe(name);
    await coord.waitFor(job.id, ended);
    await page.waitForTimeout(1000);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await shot(page, 'markup-name');
    await page.context().close();
  });

  it('shows a Plenoxels sweep as a results table, best PSNR first, with the variables and GPU of each task', async () => {
    const { page, errors } = await signedIn();
    const data = path.join(root, 'nerf');
    mkdirSync(path.join(data, 'lego'), { recursive: true });
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'plenoxels',
      svox2: path.resolve('test/doubles/svox2'),
      nodes: 1,
      gpusPerNode: 2,
      name: 'sweep table',
      taskFile: JSON.stringify({
        data_root: data,
        train_root: path.join(root, 'ckpt'),
        variables: { lr_sigma: [5, 50, 500] },
        tasks: [
          {
            train_dir: 'lego/lrs{lr_sigma}',
            data_dir: 'lego',
            config: 'configs/syn.json',
            flags: ['--lr_sigma', '{lr_sigma}', '--max_grid_elements', '28000000'],
          },
        ],
      }),
    });
    await page.goto(`${base}/#/job/${job.id}`);
    const done = await coord.waitFor(job.id, ended);
    expect(done.state).toBe('succeeded');
    const rows = page.locator('[data-role=results] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
    await expect
      .poll(() => page.locator('[data-role=results] tbody tr[data-state=done]').count())
      .toBe(3);
    const table = await rows.evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
    );
    const expected = (done.results ?? []).map((r) => r.task);
    expect(table.map((r) => r[0])).toEqual(expected);
    const psnrs = table.map((r) => Number(r[3]));
    expect(psnrs.every((p) => p > 20)).toBe(true);
    expect([...psnrs].sort((a, b) => b - a)).toEqual(psnrs);
    expect(table.map((r) => r[2]).sort()).toEqual(['lr_sigma=5', 'lr_sigma=50', 'lr_sigma=500']);
    expect(table.every((r) => /^node\d:\d+$/.test(r[7] ?? ''))).toBe(true);
    await shot(page, 'plenoxels-results');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
