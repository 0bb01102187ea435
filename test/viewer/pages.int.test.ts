// One file, over 8 KB: its tests share one coordinator, scene and browser on one local cluster;
// apart, each file would start a cluster of its own.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BlenderSubmitRequest, JobDetail } from '../../src/api/types.js';
import { servedPath } from '../../src/api/served-names.js';
import { readAddress, readToken } from '../../src/coordinator/state-dir.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCliAsync } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { launchBrowser, loginUrl, shot } from './browser.js';

// Each job kind's page during a real render on the local cluster, in Chromium at the sizes
// people use: a command task's log panel shows its output live, every attempt; a tiled still shows its tiles (each one's image once done) and then its merged image; 48 frames fit the frame
// panel without an inner scroll; the timeline draws a failed attempt; a missed target is said.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-pages-');
let scene = '';
let coord: CoordinatorProcess;
let browser: Browser;
let base = '';
let token = '';

beforeAll(async () => {
  // The sample scene shrunk: 48 frames at 64×36, one sample each (tiny-scene.ts keeps 30).
  scene = await ensureSampleScene(path.join(root, 'pages.blend'), {
    frames: 48,
    width: 64,
    height: 36,
    cheapSamples: 1,
    expensiveSamples: 2,
  });
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
  base = readAddress(coord.stateDir)?.url ?? '';
  token = readToken(coord.stateDir) ?? '';
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await cleanUp(slurm, root, coord);
});

async function jobPage(id: string, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(await loginUrl(base, token));
  await page.locator('header.top').waitFor();
  await page.goto(`${base}/#/job/${id}`);
  await page.locator('[data-role=job-name]').waitFor();
  (page as Page & { errors?: string[] }).errors = errors;
  return page;
}

const pageErrors = (page: Page) => (page as Page & { errors?: string[] }).errors ?? [];

async function until(id: string, ok: (j: JobDetail) => boolean, ms = 240_000): Promise<JobDetail> {
  const end = Date.now() + ms;
  for (;;) {
    const j = await coord.api<JobDetail>('GET', `/api/jobs/${id}`);
    if (ok(j)) return j;
    if (Date.now() > end) throw new Error(`job ${id} never got there: ${j.state}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("each job kind's page", () => {
  it("shows a tiled still's tiles filling in, then its merged image, full size and to download", async () => {
    const out = path.join(root, 'still');
    mkdirSync(out);
    const r = await runCliAsync(
      [
        ...['submit', 'blender-still', scene, '--frame', '2', '--tiles', '4x4'],
        ...['--output', out, '--nodes', '2', '--gpus-per-node', '2', '--json'],
        ...['--state-dir', coord.stateDir],
      ],
      { env: { SLURM_CONF: slurmConf } },
    );
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout) as JobDetail;
    const page = await jobPage(job.id, 1920, 1080);
    await expect.poll(() => page.locator('[data-role=still] [data-tile]').count()).toBe(16);
    // Each state a tile shows, and whether the merged image was in by then.
    await page.evaluate(() => {
      const seen: string[] = [];
      new MutationObserver((records) => {
        const merged = document.querySelector('[data-role=still-image]') !== null;
        for (const r of records)
          if (r.target instanceof Element)
            seen.push(`${r.target.getAttribute('data-state') ?? ''}${merged ? ' merged' : ''}`);
      }).observe(document.querySelector('[data-role=still]') ?? document.body, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-state'],
      });
      (window as unknown as { tiles: string[] }).tiles = seen;
      // Each tile preview that loaded: its width, and whether the merged image was in by then.
      const previews: { width: number; merged: boolean }[] = [];
      document.addEventListener(
        'load',
        (e) => {
          const img = e.target;
          if (img instanceof HTMLImageElement && img.dataset.role === 'tile-preview')
            previews.push({
              width: img.naturalWidth,
              merged: document.querySelector('[data-role=still-image]') !== null,
            });
        },
        true,
      );
      (window as unknown as { previews: typeof previews }).previews = previews;
    });
    await page.locator('[data-role=still] [data-tile][data-state=done]').first().waitFor();
    // A done tile shows its image (a PNG preview of its EXR) before the merge.
    await page.locator('[data-role=still] img[data-role=tile-preview]').first().waitFor();
    await shot(page, 'still-rendering-1920');
    const img = page.locator('img[data-role=still-image]');
    await img.waitFor({ timeout: 300_000 });
    await expect
      .poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth))
      .toBe(64);
    // The grid filled in before the image came: tiles seen rendering and done on their own.
    const tiles = await page.evaluate(() => (window as unknown as { tiles: string[] }).tiles);
    expect(tiles).toContain('leased');
    expect(tiles).toContain('done');
    const previews = await page.evaluate(
      () => (window as unknown as { previews: { width: number; merged: boolean }[] }).previews,
    );
    expect(previews.filter((p) => !p.merged && p.width > 0).length).toBeGreaterThan(0);
    expect(previews.every((p) => p.width > 0)).toBe(true);
    expect(await page.locator('[data-role=still-caption]').textContent()).toMatch(
      /^Frame 2 · 64×36 · output\/frame_0002\.png$/,
    );
    const download = page.locator('[data-action=download-still]');
    expect(await download.getAttribute('download')).toBe('frame_0002.png');
    expect(await download.getAttribute('href')).toMatch(/^blob:/);
    await shot(page, 'still-done-1920');
    await img.click();
    const big = page.locator('[data-role=lightbox] img');
    await expect.poll(() => big.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBe(64);
    await shot(page, 'still-lightbox-1920');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.press('Escape');
    await shot(page, 'still-done-1280');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
    await coord.waitFor(job.id, ended);
  });

  it("shows a command task's own output in its log panel while it runs, every attempt, and one when picked", async () => {
    const count = path.join(root, 'panel-count');
    // 100 lines an attempt, then a pause to be seen running; the first two attempts fail.
    const script = [
      'import sys, time, pathlib',
      'p = pathlib.Path(sys.argv[1]); n = int(p.read_text()) + 1 if p.exists() else 1',
      'p.write_text(str(n))',
      'for i in range(1, 101): print("attempt %d line %d" % (n, i), flush=True)',
      'time.sleep(8)',
      'sys.exit(1 if n < 3 else 0)',
    ].join('\n');
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'command',
      nodes: 1,
      tasks: `${JSON.stringify({ id: 'chatty', argv: ['python3', '-c', script, count] })}\n`,
    });
    const page = await jobPage(job.id, 1280, 800);
    const logs = page.locator('[data-role=logs]');
    const ours = async () =>
      ((await logs.textContent()) ?? '').split('\n').filter((l) => / line \d+$/.test(l));
    const row = page.locator('[data-role=tasks] tr[data-task=chatty]');
    await row.locator('[data-action=task-log]').click();
    // The first lines, live, while the first attempt still runs.
    await expect
      .poll(async () => (await ours()).some((l) => /attempt 1 line 1$/.test(l)), {
        timeout: 120_000,
      })
      .toBe(true);
    const first = await coord.api<JobDetail>('GET', `/api/jobs/${job.id}`);
    expect(first.progress.done).toBe(0);
    await shot(page, 'task-log-running-1280');
    const done = await coord.waitFor(job.id, ended);
    expect(done.state).toBe('succeeded');
    // Every attempt's 100 lines, each attempt under its heading.
    await expect.poll(async () => (await ours()).length, { timeout: 15_000 }).toBe(300);
    expect(
      ((await logs.textContent()) ?? '').match(/── attempt \d on \S+ GPU \d+ ──/g),
    ).toHaveLength(3);
    // One attempt picked: its lines only.
    await page.selectOption('[data-role=log-attempt]', '2');
    await expect
      .poll(async () => (await ours()).map((l) => /attempt (\d) line/.exec(l)?.[1]).join(''), {
        timeout: 15_000,
      })
      .toBe('2'.repeat(100));
    await shot(page, 'task-log-attempt-2-1280');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });

  it('fits 48 frames in their panel, draws a failed attempt on the timeline, and says the target was missed', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-48',
      order: 'frames',
      nodes: 1,
      gpusPerNode: 1,
      name: 'pages demo',
      auto: { min: 1, max: 1, targetFinishSeconds: 5 },
    });
    // Frame 40 cannot be written while a directory stands where its file goes: it fails once.
    const planned = (job.spec as BlenderSubmitRequest).planned;
    const blocked = servedPath(job, planned?.files['40'] ?? '');
    mkdirSync(blocked, { recursive: true });
    const page = await jobPage(job.id, 1280, 800);
    await expect.poll(() => page.locator('[data-role=frame-grid] [data-frame]').count()).toBe(48);

    // Every frame in view, in a grid that does not scroll.
    const grid = page.locator('[data-role=frame-grid]');
    await grid.scrollIntoViewIfNeeded();
    const fit = await grid.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const cells = [...el.querySelectorAll('[data-frame]')].filter((c) => {
        const r = c.getBoundingClientRect();
        return r.top >= box.top && r.bottom <= box.bottom && r.top >= 0 && r.bottom <= innerHeight;
      });
      return { inView: cells.length, scrolls: el.scrollHeight > el.clientHeight + 1 };
    });
    expect(fit).toEqual({ inView: 48, scrolls: false });
    await shot(page, 'frames-48-1280');

    // The policy as the job has it, and the target passed while it runs.
    expect(await page.locator('[data-role=auto-min]').inputValue()).toBe('1');
    expect(await page.locator('[data-role=auto-max]').inputValue()).toBe('1');
    expect(await page.locator('[data-role=auto-target]').inputValue()).toBe('5s');
    await expect
      .poll(() => page.locator('[data-role=target]').textContent(), { timeout: 60_000 })
      .toMatch(/^Past the target finish 5 s by \d/);

    await until(job.id, (j) => j.events.some((e) => e.type === 'task:failed'));
    rmSync(blocked, { recursive: true, force: true });
    const done = await coord.waitFor(job.id, ended);
    expect(done.state).toBe('succeeded');

    const timeline = page.locator('canvas[data-role=timeline]');
    await expect.poll(() => timeline.getAttribute('data-failed-bars')).toBe('1');
    // 48 frames and the encode, and frame 40's failed attempt.
    expect(Number(await timeline.getAttribute('data-bars'))).toBe(50);
    // The failed attempt is drawn: the timeline has the failed colour in it.
    const red = await timeline.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
      let n = 0;
      for (let i = 0; i < data.length; i += 4)
        if (data[i] === 0xf0 && data[i + 1] === 0x56 && data[i + 2] === 0x5b) n++;
      return n;
    });
    expect(red).toBeGreaterThan(0);
    const took = (done.finishedAt ?? 0) - done.createdAt;
    await expect
      .poll(() => page.locator('[data-role=target]').textContent())
      .toMatch(/^Target finish 5 s missed by (\d+ min )?\d+ s \(finished in (\d+ min )?\d+ s\)$/);
    expect(took).toBeGreaterThan(5_000);
    await shot(page, 'frames-done-1280');
    await timeline.scrollIntoViewIfNeeded();
    await shot(page, 'timeline-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'frames-done-1920');
    expect(pageErrors(page)).toEqual([]);
    await page.context().close();
  });
});
