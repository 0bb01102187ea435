import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../src/coordinator/service.js';
import { launchBrowser, loginUrl, shot } from './browser.js';
import { insertRenderedJob, renderNext } from './rendered-job.js';

// One sign-in per browser: the session is an HttpOnly cookie, so a job's address opened in
// another tab shows the job at once, and thumbnails are plain URLs the browser keeps.

const FRAMES = 24;
const root = mkdtempSync('/tmp/ct-viewer-session-');
let running: RunningCoordinator;
let browser: Browser;
/** Thumbnail requests that reached the coordinator, by path and query. */
const thumbHits: string[] = [];
beforeAll(async () => {
  running = await startCoordinator({
    stateDir: path.join(root, 'state'),
    port: 0,
    slurmConf: inject('slurmConf'),
    partition: 'gpu',
    reconcileMs: 3_600_000,
    extendServer: (app) => {
      app.addHook('onRequest', async (req) => {
        if (req.url.includes('/thumbs/')) thumbHits.push(req.url);
      });
    },
  });
  insertRenderedJob(running.coordinator, path.join(root, 'state', 'jobs'), FRAMES);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  rmSync(root, { recursive: true, force: true });
});

async function newContext(): Promise<{ context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(e.error().message));
  return { context, errors };
}

/** Waits for the job page with every frame's thumbnail drawn, and says whether a prompt showed. */
async function jobPageShown(page: Page): Promise<{ prompted: boolean }> {
  let prompted = false;
  const watch = setInterval(() => {
    void page
      .locator('[data-role=login]')
      .count()
      .then(
        (n) => (prompted ||= n > 0),
        () => {},
      );
  }, 20);
  try {
    await expect
      .poll(() => page.locator('[data-role=frame-grid] [data-frame] img').count(), {
        timeout: 20_000,
      })
      .toBe(FRAMES);
    // Each drawn thumbnail has loaded (not just been put in the page).
    await expect
      .poll(() =>
        page
          .locator('[data-role=frame-grid] img')
          .evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0)),
      )
      .toBe(true);
  } finally {
    clearInterval(watch);
  }
  prompted ||= (await page.locator('[data-role=login]').count()) > 0;
  return { prompted };
}

const jobUrl = () => `${running.url}/#/job/j700`;

describe('one sign-in per browser, a cookie for the session', () => {
  it('signs in once; a job URL opened in a new tab shows the job at once; nothing is in storage', async () => {
    const { context, errors } = await newContext();
    const first = await context.newPage();
    await first.goto(await loginUrl(running.url, running.token));
    await first.locator('[data-role=jobs]').waitFor();

    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    const [cookie] = cookies;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
    expect(cookie?.name).toMatch(/^ct_session_\d+$/);
    expect(cookie?.value).not.toContain(running.token);
    expect(cookie?.expires).toBe(-1); // ends with the browser session
    const stored = await first.evaluate(() => [
      ...(Object.values(sessionStorage) as string[]),
      ...(Object.values(localStorage) as string[]),
      document.cookie,
    ]);
    expect(stored).toEqual(['']);

    // A bookmark: the job's address typed into a new tab of the same browser.
    const tab = await context.newPage();
    await tab.goto(jobUrl());
    expect(await jobPageShown(tab)).toEqual({ prompted: false });
    expect(await tab.locator('h1').first().textContent()).toContain('bookmarked job');
    await shot(tab, 'session-job-tab');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks once in a browser with no session, then comes back to the job it was opened on', async () => {
    const { context, errors } = await newContext();
    const page = await context.newPage();
    await page.goto(jobUrl());
    await page.locator('[data-role=login]').waitFor();
    await page.fill('[data-role=token]', running.token);
    await page.click('[data-role=login] button');
    expect((await jobPageShown(page)).prompted).toBe(false);
    expect(page.url()).toBe(jobUrl());

    // Signing out ends it for every tab: the cookie goes, the API answers 401, a reload asks.
    const other = await context.newPage();
    await other.goto(jobUrl());
    await jobPageShown(other);
    await page.click('header.top button:has-text("Sign out")');
    await page.locator('[data-role=login]').waitFor();
    await expect.poll(() => context.cookies()).toEqual([]);
    const status = await other.evaluate(async () => (await fetch('/api/jobs')).status);
    expect(status).toBe(401);
    await other.reload();
    await other.locator('[data-role=login]').waitFor();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('loads each thumbnail from the network once: a reload and another tab ask for none; a frame rendered again is asked for anew', async () => {
    const { context, errors } = await newContext();
    const page = await context.newPage();
    await page.goto(await loginUrl(running.url, running.token));
    await page.locator('[data-role=jobs]').waitFor();
    const mark = thumbHits.length;
    await page.goto(jobUrl());
    await jobPageShown(page);
    const firstLoad = thumbHits.slice(mark);
    expect(firstLoad).toHaveLength(FRAMES);
    expect(new Set(firstLoad).size).toBe(FRAMES);
    expect(firstLoad.every((u) => /\/thumbs\/frame_\d{4}\.jpg\?v=\d+$/.test(u))).toBe(true);

    const afterFirst = thumbHits.length;
    await page.reload();
    expect((await jobPageShown(page)).prompted).toBe(false);
    const tab = await context.newPage();
    await tab.goto(jobUrl());
    await jobPageShown(tab);
    expect(thumbHits.slice(afterFirst)).toEqual([]);

    // Frame 5 is rendered again: its thumbnail's address changes, and only it is asked for.
    const t5 = running.coordinator.store.tasks.list('j700').tasks.find((t) => t.frames[0] === 5);
    const requeued = await fetch(`${running.url}/api/jobs/j700/task/requeue`, {
      method: 'POST',
      headers: { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: t5?.id }),
    });
    expect(requeued.status).toBe(200);
    renderNext(running.coordinator, Date.now());
    const beforeRerender = thumbHits.length;
    await page.reload();
    await jobPageShown(page);
    expect(thumbHits.slice(beforeRerender)).toEqual([
      expect.stringMatching(/\/thumbs\/frame_0005\.jpg\?v=\d+$/),
    ]);
    expect(thumbHits.slice(beforeRerender)[0]).not.toBe(firstLoad.find((u) => u.includes('0005')));
    expect(errors).toEqual([]);
    await context.close();
  });
});
