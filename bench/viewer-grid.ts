import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startCoordinator } from '../src/coordinator/service.js';
import { BIG_JOB_FAILED_FRAME, BIG_JOB_FRAMES, insertBigJob } from '../test/helpers/big-job.js';
import { launchBrowser, loginUrl, newPage } from '../test/viewer/browser.js';

/** What a 10,000-frame job's page cost in headless Chromium at 1280×800. */
export interface ViewerGridResult {
  loadMs: number;
  /** Each scroll to a position until its cells were drawn (two animation frames). */
  scrollMs: number[];
  /** The longest task the page ran while scrolling (PerformanceObserver `longtask`). */
  longestTaskMs: number;
  /** Click on a failed frame far down the grid until it shows as selected. */
  clickMs: number;
  /** Most frame cells in the page at once (the grid is virtualized). */
  cells: number;
}

/** Budgets the viewer is built to: a DCV session on a head node should feel immediate. */
const VIEWER_BUDGETS = { loadMs: 10_000, scrollMs: 250, longestTaskMs: 250, clickMs: 250 };

/**
 * The viewer's page for a 10,000-frame job (written straight into a coordinator's store), loaded,
 * scrolled to eight places and clicked, measured in the browser.
 */
export async function benchViewerGrid(opts: {
  slurmConf: string;
  partition: string;
  log: (line: string) => void;
}): Promise<ViewerGridResult> {
  const root = mkdtempSync('/tmp/ct-bench-viewer-');
  const running = await startCoordinator({
    stateDir: path.join(root, 'state'),
    port: 0,
    slurmConf: opts.slurmConf,
    partition: opts.partition,
    reconcileMs: 3_600_000,
  });
  const browser = await launchBrowser();
  try {
    const jobId = insertBigJob(running.coordinator, path.join(root, 'state'));
    opts.log(`viewer: a ${BIG_JOB_FRAMES}-frame job's page in headless Chromium`);
    const { page } = await newPage(browser);
    await page.goto(await loginUrl(running.url, running.token));
    const t0 = Date.now();
    await page.goto(`${running.url}/#/job/${jobId}`);
    await page.locator('[data-frame="1"] img').waitFor({ timeout: 60_000 });
    const loadMs = Date.now() - t0;
    const scrolled = await page.evaluate(async () => {
      const grid = document.querySelector<HTMLElement>('[data-role=frame-grid]');
      if (!grid) throw new Error('no frame grid on the page');
      const longTasks: number[] = [];
      new PerformanceObserver((l) =>
        l.getEntries().forEach((e) => longTasks.push(e.duration)),
      ).observe({ type: 'longtask' });
      const drawn = () =>
        new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      const scrollMs: number[] = [];
      let cells = 0;
      for (const share of [0.1, 0.35, 0.5, 0.77, 1, 0.2, 0.6, 0.95]) {
        const t = performance.now();
        grid.scrollTop = share * (grid.scrollHeight - grid.clientHeight);
        await drawn();
        scrollMs.push(performance.now() - t);
        cells = Math.max(cells, grid.querySelectorAll('[data-frame]').length);
      }
      await new Promise((r) => setTimeout(r, 100));
      return { scrollMs, cells, longestTaskMs: Math.max(0, ...longTasks) };
    });
    await page.evaluate((f) => {
      const grid = document.querySelector<HTMLElement>('[data-role=frame-grid]');
      const cols = Math.floor((grid?.clientWidth ?? 600) / 96);
      if (grid) grid.scrollTop = Math.floor((f - 1) / cols) * 76 - 100;
    }, BIG_JOB_FAILED_FRAME);
    await page.locator(`[data-frame="${BIG_JOB_FAILED_FRAME}"]`).waitFor();
    const clickMs = await page.evaluate(async (f) => {
      const t = performance.now();
      document.querySelector<HTMLElement>(`[data-frame="${f}"]`)?.click();
      while (!document.querySelector(`[data-frame="${f}"].selected`))
        await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t;
    }, BIG_JOB_FAILED_FRAME);
    return { loadMs, ...scrolled, clickMs };
  } finally {
    await browser.close();
    await running.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** The viewer section as text: each figure against its budget. */
export function formatViewerGrid(r: ViewerGridResult): string {
  const line = (what: string, ms: number, budget: number) =>
    `  ${what}: ${Math.round(ms)} ms (budget ${budget} ms) ${ms <= budget ? 'PASS' : 'MISS'}`;
  const sorted = [...r.scrollMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return [
    line('page load to first thumbnail', r.loadMs, VIEWER_BUDGETS.loadMs),
    line(
      `scroll, slowest of ${r.scrollMs.length} (median ${Math.round(median)} ms)`,
      Math.max(...r.scrollMs),
      VIEWER_BUDGETS.scrollMs,
    ),
    line('longest task while scrolling', r.longestTaskMs, VIEWER_BUDGETS.longestTaskMs),
    line('click on a failed frame to selected', r.clickMs, VIEWER_BUDGETS.clickMs),
    `  most frame cells in the page at once: ${r.cells} of ${BIG_JOB_FRAMES}`,
  ].join('\n');
}
