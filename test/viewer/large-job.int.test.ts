import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../src/coordinator/service.js';
import type { JobRow, NewTask } from '../../src/coordinator/store/types.js';
import { launchBrowser, loginUrl, newPage, shot } from './browser.js';

const FRAMES = 10_000;
const root = mkdtempSync('/tmp/ct-viewer-big-');
let running: RunningCoordinator;
let browser: Browser;
const name = (f: number) => `frame_${String(f).padStart(4, '0')}`;

/** A 10,000-frame job written straight into the store: 5,999 done, 13 failed, 16 rendering. */
function insertBigJob(c: RunningCoordinator['coordinator']): string {
  const dir = path.join(root, 'state', 'jobs', 'j900');
  mkdirSync(path.join(dir, 'thumbs'), { recursive: true });
  const thumb = path.join(root, 'thumb.jpg');
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc=s=96x72',
    '-frames:v',
    '1',
    '-y',
    thumb,
  ]);
  for (let f = 1; f <= 300; f++) linkSync(thumb, path.join(dir, 'thumbs', `${name(f)}.jpg`));
  const job: JobRow = {
    id: 'j900',
    seq: 900,
    kind: 'blender',
    name: 'ten thousand frames',
    state: 'running',
    spec: { kind: 'blender', scene: '/nowhere/big.blend', frames: `1-${FRAMES}`, nodes: 4 },
    dir,
    outputDir: path.join(dir, 'output'),
    agentToken: 'x'.repeat(48),
    nodesWanted: 4,
    gpusPerNode: 4,
    auto: null,
    priority: 50,
    owner: null,
    video: null,
    error: null,
    createdAt: Date.now() - 200_000,
    finishedAt: null,
  };
  const tasks: NewTask[] = Array.from({ length: FRAMES }, (_, i) => ({
    stage: 'render',
    seq: i,
    kind: 'blender-render',
    payload: {},
    frames: [i + 1],
  }));
  tasks.push({ stage: 'encode', seq: FRAMES, kind: 'blender-encode', payload: {}, frames: [] });
  c.store.insertJob(
    job,
    [
      { name: 'render', seq: 0, state: 'ready' },
      { name: 'encode', seq: 1, state: 'waiting' },
    ],
    tasks,
  );
  const agents = Array.from({ length: 16 }, (_, k) => ({
    id: `j900.node${(k >> 2) + 1}.gpu${k % 4}.${k + 1}`,
    node: `node${(k >> 2) + 1}`,
    gpu: String(k % 4),
  }));
  for (const a of agents)
    c.store.agents.insert({
      ...a,
      jobId: 'j900',
      slurmJobId: 1,
      state: 'active',
      failures: 0,
      pid: null,
      registeredAt: job.createdAt,
      lastSeen: Date.now(),
    });
  const t0 = job.createdAt;
  for (let i = 0; i < 6_028; i++) {
    const agent = agents[i % 16];
    if (!agent) continue;
    const start = t0 + Math.floor(i / 16) * 500;
    const task = c.store.tasks.leaseNext('j900', 'render', agent, start, 3_600_000);
    if (!task || i >= 6_012) continue; // the last 16 stay leased
    const frame = task.frames[0] ?? 0;
    if (i % 500 === 7) {
      c.store.tasks.fail(task.id, agent.id, {
        error: `blender exited with code 1 on frame ${frame}`,
        tail: ['Error: <b>not html</b>', `frame ${frame}`],
        maxAttempts: 1,
        now: start + 400,
        blame: 'agent',
        notBefore: null,
      });
      continue;
    }
    const seconds = 0.3 + ((frame * 37) % 100) / 250;
    c.store.tasks.complete(
      task.id,
      agent,
      {
        frames: {
          [frame]: {
            seconds,
            file: `output/${name(frame)}.png`,
            thumb: `thumbs/${name(frame)}.jpg`,
          },
        },
      },
      start + seconds * 1000,
    );
  }
  return job.id;
}

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
  it('loads, scrolls the virtualized grid and answers a click within budget at 1280×800', async () => {
    const jobId = insertBigJob(running.coordinator);
    const { page, errors } = await newPage(browser);
    await page.goto(await loginUrl(running.url, running.token));
    const t0 = Date.now();
    await page.goto(`${running.url}/#/job/${jobId}`);
    await page.locator('[data-frame="1"] img').waitFor({ timeout: 20_000 });
    const loadMs = Date.now() - t0;
    expect(loadMs).toBeLessThan(10_000);
    expect(await page.locator('[data-role=done]').textContent()).toBe(`5999/${FRAMES}`);
    await shot(page, 'large-job-top');

    // Measured in the browser: scroll to a position, wait for the frame's cell to be drawn.
    const timings = await page.evaluate(async () => {
      const grid = document.querySelector<HTMLElement>('[data-role=frame-grid]');
      if (!grid) throw new Error('no grid');
      const longTasks: number[] = [];
      new PerformanceObserver((l) =>
        l.getEntries().forEach((e) => longTasks.push(e.duration)),
      ).observe({ type: 'longtask' });
      const frameAt = () =>
        new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      const out: number[] = [];
      for (const share of [0.1, 0.35, 0.5, 0.77, 1, 0.2, 0.6, 0.95]) {
        const t = performance.now();
        grid.scrollTop = share * (grid.scrollHeight - grid.clientHeight);
        await frameAt();
        if (!grid.querySelector('[data-frame]')) throw new Error('no cells after scroll');
        out.push(performance.now() - t);
      }
      const cells = grid.querySelectorAll('[data-frame]').length;
      await new Promise((r) => setTimeout(r, 100));
      return { scrolls: out, cells, longest: Math.max(0, ...longTasks) };
    });
    expect(Math.max(...timings.scrolls)).toBeLessThan(250);
    expect(timings.cells).toBeLessThan(400);
    expect(timings.longest).toBeLessThan(250);

    // A failed frame far down the grid: click it, the page selects it and shows its requeue button.
    const failedFrame = 5_508;
    await page.evaluate((f) => {
      const grid = document.querySelector<HTMLElement>('[data-role=frame-grid]');
      const cols = Math.floor((grid?.clientWidth ?? 600) / 96);
      if (grid) grid.scrollTop = Math.floor((f - 1) / cols) * 76 - 100;
    }, failedFrame);
    const cell = page.locator(`[data-frame="${failedFrame}"]`);
    await cell.waitFor();
    expect(await cell.getAttribute('data-state')).toBe('failed');
    const clickMs = await page.evaluate(async (f) => {
      const t = performance.now();
      document.querySelector<HTMLElement>(`[data-frame="${f}"]`)?.click();
      while (!document.querySelector(`[data-frame="${f}"].selected`))
        await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t;
    }, failedFrame);
    expect(clickMs).toBeLessThan(250);
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
