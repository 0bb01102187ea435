import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../src/coordinator/service.js';
import { BIG_JOB_FAILED_FRAME, BIG_JOB_FRAMES, insertBigJob } from '../helpers/big-job.js';
import { launchBrowser, loginUrl, newPage, shot } from './browser.js';

const root = mkdtempSync('/tmp/ct-viewer-big-');
let running: RunningCoordinator;
let browser: Browser;

beforeAll(async () => {
  running = await startCoordinator({
    stateDir: path.join(root, 'state'),
    port: 0,
    slurmConf: inject('slurmConf'),
    partition: 'gpu',
    reconcileMs: 3_600_000,
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the viewer with a 10,000-frame job', () => {
  it('loads, scrolls the virtualized grid and answers a click at 1280×800', async () => {
    const jobId = insertBigJob(running.coordinator, path.join(root, 'state'));
    const { page, errors } = await newPage(browser);
    await page.goto(await loginUrl(running.url, running.token));
    await page.goto(`${running.url}/#/job/${jobId}`);
    await page.locator('[data-frame="1"] img').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-role=done]').textContent()).toBe(`5999/${BIG_JOB_FRAMES}`);
    await shot(page, 'large-job-top');

    // Scrolled to several places, the grid draws the cells there and only about a screenful.
    // (How fast is a claim for a benchmark on a quiet machine, not for a test on a shared one.)
    const cells = await page.evaluate(async () => {
      const grid = document.querySelector<HTMLElement>('[data-role=frame-grid]');
      if (!grid) throw new Error('no grid');
      const frameAt = () =>
        new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      const counts: number[] = [];
      for (const share of [0.1, 0.35, 0.5, 0.77, 1, 0.2, 0.6, 0.95]) {
        grid.scrollTop = share * (grid.scrollHeight - grid.clientHeight);
        await frameAt();
        if (!grid.querySelector('[data-frame]')) throw new Error('no cells after scroll');
        counts.push(grid.querySelectorAll('[data-frame]').length);
      }
      return Math.max(...counts);
    });
    expect(cells).toBeLessThan(400);

    // A failed frame far down the grid: click it, the page selects it and shows its requeue button.
    const failedFrame = BIG_JOB_FAILED_FRAME;
    await page.evaluate((f) => {
      const grid = document.querySelector<HTMLElement>('[data-role=frame-grid]');
      const cols = Math.floor((grid?.clientWidth ?? 600) / 96);
      if (grid) grid.scrollTop = Math.floor((f - 1) / cols) * 76 - 100;
    }, failedFrame);
    const cell = page.locator(`[data-frame="${failedFrame}"]`);
    await cell.waitFor();
    expect(await cell.getAttribute('data-state')).toBe('failed');
    await cell.click();
    await expect.poll(() => cell.getAttribute('class')).toContain('selected');
    await expect
      .poll(() =>
        page.locator(`[data-failed-frame="${failedFrame}"] [data-action=requeue]`).isVisible(),
      )
      .toBe(true);
    expect(await page.locator(`[data-failed-frame="${failedFrame}"] pre`).textContent()).toContain(
      '<b>not html</b>',
    );
    await shot(page, 'large-job-failed-frame');
    expect(errors).toEqual([]);
  });

  it('`cluster-tool viewer` prints a one-time link that signs a browser in, without the token in it', async () => {
    const bin = fileURLToPath(new URL('../../bin/cluster-tool.js', import.meta.url));
    // Async: the coordinator runs in this process and must keep answering.
    const { stdout: out } = await promisify(execFile)(
      process.execPath,
      [bin, 'viewer', '--state-dir', path.join(root, 'state')],
      { encoding: 'utf8', env: { ...process.env, CLUSTER_TOOL_TOKEN: undefined } },
    );
    const url = out.trim();
    expect(url).toMatch(new RegExp(`^${running.url}/#code=[A-Za-z0-9_-]+$`));
    expect(url).not.toContain(running.token);
    const { page } = await newPage(browser);
    await page.goto(url);
    await page.locator('[data-role=jobs]').waitFor();
    // Signed in by an HttpOnly cookie: nothing the page's scripts can read holds a secret.
    expect(
      await page.evaluate(() => [...(Object.values(sessionStorage) as string[]), document.cookie]),
    ).toEqual(['']);
    expect((await page.context().cookies()).map((c) => c.httpOnly)).toEqual([true]);
    expect(page.url()).not.toContain('code=');
    await shot(page, 'jobs-list');
    await page.context().close();
  });
});
