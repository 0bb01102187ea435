import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, TaskView } from '../../src/api/types.js';
import { readAddress, readToken } from '../../src/coordinator/state-dir.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { probeScene } from '../../src/renderers/blender/scene-info.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCliAsync } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { launchBrowser, loginUrl, newPage, shot } from './browser.js';
import {
  clipped,
  humanClick,
  recordStates,
  stateHistory,
  watchPage,
  wentBack,
} from './page-watch.js';

const SIZES = [
  [800, 600],
  [1280, 800],
  [1920, 1080],
] as const;

/** `1 min 04 s`, `42 s`, `any moment` in seconds. */
function seconds(text: string): number {
  if (text === 'any moment') return 0;
  const m = /^(?:(\d+) min )?(\d+) s$/.exec(text);
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2]) : NaN;
}

/** What the page shows of a job: each task's state and the numbers at the top. */
async function pageState(page: Page) {
  const tasks = await page
    .locator('[data-role=tasks] tr[data-task]')
    .evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute('data-task'), tr.getAttribute('data-state')]),
    );
  const stats = await page
    .locator('.stats b[data-role]')
    .evaluateAll((bs) => bs.map((b) => [b.getAttribute('data-role'), b.textContent]))
    .then((pairs) => pairs.filter(([role]) => role !== 'time' && role !== 'eta'));
  return { tasks, stats, state: await page.locator('.stats .state').textContent() };
}

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
    // The session is an HttpOnly cookie; the token itself is never handed out.
    expect(first.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Path=\/$/);
    expect(await first.text()).not.toContain(token);
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

  it('follows a real 4-node render calmly: a thumbnail fetched once each, clicks that land, states that never go back, and the same page as a reload after a shrink and at the end', async () => {
    const { page } = await signedIn();
    const watch = watchPage(page);
    expect(page.url()).not.toContain('code=');
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const job = await submit({ frames: '1-48', nodes: 4, name: 'viewer demo' });
    const row = page.locator(`tr[data-job="${job.id}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.locator('[data-role=job-link]').click();
    const done = page.locator('[data-role=done]');
    await page.locator('[data-role=tasks] tr[data-task="frame 48"]').waitFor();
    await recordStates(page);

    // Mid-render: five clicks on finished frames, each opening the lightbox.
    await page
      .locator('[data-role=frame-grid] .cell.done img')
      .nth(4)
      .waitFor({ timeout: 240_000 });
    await shot(page, 'job-running');
    let opened = 0;
    for (let i = 0; i < 5; i++) {
      const frame = await page
        .locator('[data-role=frame-grid] .cell.done')
        .nth(i)
        .getAttribute('data-frame');
      await humanClick(page, `[data-role=frame-grid] [data-frame="${frame}"]`);
      const img = page.locator('[data-role=lightbox] .lb-picture img');
      if (
        await img.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        opened++;
      await page.keyboard.press('Escape');
    }
    expect(opened).toBe(5);

    // At the same moment, `cluster-tool status` says the rate and ETA the page shows. Both move
    // while the CLI starts (a frame lands, a running one advances): the page is read just before
    // and just after it, and the CLI must say what the page said at one of those two moments.
    const pageNow = async () => [
      (await page.locator('[data-role=rate]').textContent()) ?? '',
      (await page.locator('[data-role=eta]').textContent()) ?? '',
    ];
    let agreed: { page: string[]; cli: string } | null = null;
    for (let i = 0; i < 15 && !agreed; i++) {
      const before = Date.now();
      const shownBefore = await pageNow();
      const r = await runCliAsync(['status', job.id, '--state-dir', coord.stateDir]);
      const shownAfter = await pageNow();
      const cli = r.stdout.split('\n').find((l) => l.startsWith('progress')) ?? r.stderr;
      const eta = /ETA (.+?);/.exec(cli)?.[1] ?? '';
      for (const shown of [shownBefore, shownAfter])
        if (
          !agreed &&
          cli.includes(`; ${shown[0]}, ETA `) &&
          // The ETA counts down meanwhile: the two differ by at most the time the reads took.
          Math.abs(seconds(shown[1] ?? '') - seconds(eta)) <= (Date.now() - before) / 1000 + 1
        )
          agreed = { page: shown, cli };
    }
    expect(agreed).not.toBeNull();
    const running = await coord.api<JobDetail>('GET', `/api/jobs/${job.id}`);
    expect(running.state).toBe('running');

    // Ten seconds of the page while frames land: no 404, no thumbnail asked for twice.
    const t0 = Date.now();
    await page.waitForTimeout(10_000);
    const tenSeconds = watch.between(t0, Date.now());
    expect(tenSeconds.length).toBeLessThan(80);

    // Give a node back from the page while it renders; say what the drain waits on.
    await page.locator('[data-action=scale-remove]').click();
    await expect
      .poll(() => page.locator('[data-role=notice]').first().textContent(), { timeout: 120_000 })
      .toMatch(/draining|released/);
    const ended_ = await coord.waitFor(job.id, ended);
    expect(ended_.state).toBe('succeeded');
    await expect.poll(() => done.textContent(), { timeout: 30_000 }).toBe('48/48');
    await page.locator('[data-role=video]').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.locator('[data-role=notice]').first().textContent(), { timeout: 30_000 })
      .toMatch(/released/);

    // Every frame has its thumbnail, the last ones of the released node included.
    const final = await coord.api<{ tasks: TaskView[] }>(
      'GET',
      `/api/jobs/${job.id}/tasks?stage=render`,
    );
    expect(final.tasks.filter((t) => !t.files.some((f) => f.startsWith('thumbs/')))).toEqual([]);
    const history = await stateHistory(page);
    const requeued = ended_.events.filter((e) => e.type === 'task:requeued');
    if (!requeued.length) expect(wentBack(history)).toEqual([]);
    expect(Object.keys(history).length).toBeGreaterThanOrEqual(48);

    // One page load: each thumbnail asked for once, nothing asked for that was not there.
    expect(watch.notFound).toEqual([]);
    expect([...watch.thumbs().values()].filter((n) => n > 1)).toEqual([]);
    expect(watch.thumbs().size).toBeGreaterThan(0);
    expect(watch.consoleErrors).toEqual([]);

    // Its allocation goes back to Slurm once the job is over: the page learns of it live.
    await expect
      .poll(() => page.locator('[data-role=nodes]').textContent(), { timeout: 60_000 })
      .toBe('—');
    // The whole render without a reload of the page.
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
    const live = await pageState(page);
    expect(live.tasks.filter(([, s]) => s !== 'done')).toEqual([]);
    await page.reload();
    await page.locator('[data-role=tasks] tr[data-task="frame 48"]').waitFor();
    await expect.poll(() => done.textContent()).toBe('48/48');
    expect(await pageState(page)).toEqual(live);

    await page.locator('[data-frame="1"]').click();
    await page.locator('[data-role=lightbox] img').waitFor();
    await page.locator('[data-action=next]').click();
    await expect
      .poll(() => page.locator('[data-role=lightbox-caption]').textContent())
      .toMatch(/^Frame 2 · .*frame_0002\.png/);
    expect(await page.locator('[data-action=download]').getAttribute('download')).toBe(
      'frame_0002.png',
    );
    await shot(page, 'full-frame');
    await page.locator('[data-role=lightbox]').click();
    await page.selectOption('[data-role=log-agent]', { index: 1 });
    await expect
      .poll(() => page.locator('[data-role=logs]').textContent())
      .not.toMatch(/^(…|\(no lines yet\))$/);
    await page.locator('[data-task="frame 7"] [data-action=task-log]').click();
    await expect
      .poll(() => page.locator('[data-role=logs]').textContent())
      .toMatch(/leased task \d+ \(blender-render frames 7\)/);
    expect(await page.locator('[data-role=events]').textContent()).toContain('job:succeeded');

    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(400);
      await shot(page, `job-done-${width}x${height}`);
      expect({ size: width, clipped: await clipped(page) }).toEqual({ size: width, clipped: [] });
      // Charts are drawn again at their new size, not stretched.
      const blurry = await page.evaluate(() =>
        Array.from(document.querySelectorAll('canvas'))
          .filter((c) => c.width !== Math.round(c.clientWidth * devicePixelRatio))
          .map((c) => `${c.dataset.role ?? '?'}: ${c.width} px drawn for ${c.clientWidth} px`),
      );
      expect(blurry).toEqual([]);
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    // Leaving the job stops everything it asked for.
    const left = Date.now();
    await page.goto(`${base}/#/jobs`);
    await page.locator('[data-role=jobs]').waitFor();
    await page.waitForTimeout(3_000);
    expect(
      watch.between(left, Date.now()).filter((u) => u.includes(`/api/jobs/${job.id}`)),
    ).toEqual([]);
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await page.waitForTimeout(300);
      await shot(page, `jobs-${width}x${height}`);
      expect({ size: width, clipped: await clipped(page) }).toEqual({ size: width, clipped: [] });
    }
    expect(watch.consoleErrors).toEqual([]);
    await page.context().close();

    const cluster = await newPage(browser);
    await cluster.page.goto(await loginUrl(base, token));
    await cluster.page.goto(`${base}/#/cluster`);
    await cluster.page.locator('[data-role=nodes] tr[data-node]').first().waitFor();
    await shot(cluster.page, 'cluster');
    await cluster.page.context().close();
  });

  it("shows a rendering frame's percent and time moving, in `status --json`, `status` and on the frame wall", async () => {
    // Far more samples than the test waits for: it reads the progress, then cancels the job.
    const job = await submit({
      frames: '1',
      nodes: 1,
      gpusPerNode: 1,
      name: 'one long frame',
      overrides: { samples: 4000 },
      sceneInfo: (await probeScene(scene)).scene,
    });
    const readings: number[] = [];
    const deadline = Date.now() + 240_000;
    while (readings.length < 2 && Date.now() < deadline) {
      const r = await runCliAsync(['status', job.id, '--json', '--state-dir', coord.stateDir]);
      const d = JSON.parse(r.stdout) as JobDetail;
      const p = d.agents.find((a) => a.currentProgress)?.currentProgress;
      if (p && p.fraction > (readings.at(-1) ?? 0)) {
        readings.push(p.fraction);
        expect(p.frame).toBe(1);
        expect(p.activity).toMatch(/^Sample \d+\/4000$/);
        expect(p.frameStartedAt).toBeLessThanOrEqual(p.at);
        expect(d.progress.inFlight).toBeCloseTo(p.fraction, 5);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(readings.length).toBe(2);
    expect(readings[1]).toBeGreaterThan(readings[0]!);
    const text = await runCliAsync(['status', job.id, '--state-dir', coord.stateDir]);
    expect(text.stdout).toMatch(/frame 1 \(\d+%, (?:\d+ min )?\d+ s\)/);

    // On a busy machine the frame may pass a minute before the page looks: `1 min 31 s`.
    const { page, errors } = await signedIn();
    await page.goto(`${base}/#/job/${job.id}`);
    const live = page.locator('[data-frame="1"] [data-role=frame-live]');
    await live.waitFor({ timeout: 30_000 });
    const first = Number(await live.getAttribute('data-fraction'));
    await expect
      .poll(async () => Number(await live.getAttribute('data-fraction')), { timeout: 60_000 })
      .toBeGreaterThan(first);
    expect(await live.textContent()).toMatch(/^\d+% · (?:\d+ min )?\d+ s$/);
    await expect
      .poll(() => page.locator('[data-role=tasks] tr[data-task="frame 1"] td').nth(1).textContent())
      .toMatch(/^running \d+%, (?:\d+ min )?\d+ s$/);
    await shot(page, 'frame-progress');
    expect(errors).toEqual([]);
    await page.context().close();
    await runCliAsync(['cancel', job.id, '--state-dir', coord.stateDir]);
    await coord.waitFor(job.id, ended);
  });

  it('grows a job from its page and says which Slurm job was asked for and which node joined; cancel asks first', async () => {
    const { page } = await signedIn();
    const job = await submit({ frames: '1-48', nodes: 1, name: 'scale me' });
    await page.goto(`${base}/#/job/${job.id}`);
    const notice = page.locator('[data-role=notice]').first();
    const click = async (action: string) => {
      const [req] = await Promise.all([
        page.waitForRequest((r) => r.url().endsWith(`/api/jobs/${job.id}/scale`)),
        page.locator(`[data-action=${action}]`).click(),
      ]);
      const res = await req.response();
      expect(res?.status()).toBe(200);
      return req.postDataJSON() as unknown;
    };
    expect(await click('scale-add')).toEqual({ add: 1 });
    await expect
      .poll(() => notice.textContent(), { timeout: 10_000 })
      .toMatch(/^asked Slurm for 1 node \(Slurm job \d+/);
    await expect
      .poll(() => notice.textContent(), { timeout: 120_000 })
      .toMatch(/→ node\d joined; 2 node\(s\) in use$/);
    await shot(page, 'scale-result');
    await page.locator('[data-role=auto-max]').fill('3');
    expect(await click('auto-on')).toEqual({ auto: { min: 1, max: 3 } });
    await expect.poll(() => notice.textContent()).toBe('autoscaling on: 1-3 node(s)');
    expect(await click('auto-off')).toEqual({ auto: false });
    await expect.poll(() => notice.textContent()).toBe('autoscaling off');

    // `scale --remove` says what it waits on and what it released, as it happens.
    const shrink = await runCliAsync([
      'scale',
      job.id,
      '--remove',
      '1',
      '--state-dir',
      coord.stateDir,
    ]);
    expect(shrink.code).toBe(0);
    expect(shrink.stderr).toMatch(
      /· (draining node\d: (waiting on frames [\d, ]+|releasing it)|released node\d)/,
    );
    expect(shrink.stderr).toMatch(/· released node\d; 1 node\(s\) in use/);

    await page.goto(`${base}/#/jobs`);
    const row = page.locator(`tr[data-job="${job.id}"]`);
    await row.waitFor();
    expect(await row.locator('button').count()).toBe(1);
    await row.locator('[data-action=cancel]').click();
    await expect
      .poll(() => row.locator('[data-action=cancel]').textContent())
      .toBe('Confirm cancel');
    expect((await coord.api<JobDetail>('GET', `/api/jobs/${job.id}`)).state).toBe('running');
    await row.locator('[data-action=cancel]').click();
    await expect
      .poll(() => row.locator('.state').textContent(), { timeout: 20_000 })
      .toBe('cancelled');
    await expect.poll(() => row.locator('[data-role=progress]').textContent()).toMatch(/cancelled/);
    expect(await row.locator('[data-role=progress]').textContent()).not.toMatch(/failed/);
    const again = await runCliAsync(['cancel', job.id, '--state-dir', coord.stateDir]);
    expect(again.stdout).toBe(`${job.id} had cancelled already; nothing was cancelled\n`);
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
    const watch = watchPage(page);
    await page.goto(`${base}/#/job/${job.id}`);
    const item = page.locator('[data-failed-frame="1"]');
    await item.waitFor();
    expect(await page.locator('[data-frame="1"]').getAttribute('data-state')).toBe('failed');
    expect(await item.locator('pre').textContent()).toBeTruthy();
    await shot(page, 'failed-frames');
    copyFileSync(scene, bad);
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/task/requeue')),
      item.locator('[data-action=requeue]').click(),
    ]);
    expect(req.postDataJSON()).toEqual({ id: expect.any(Number) as number });
    await expect
      .poll(() => page.locator('[data-role=requeue-notice]').textContent())
      .toBe('Requeued frame 1');
    await expect
      .poll(() => page.locator('[data-frame="1"]').getAttribute('data-state'), {
        timeout: 180_000,
        interval: 500,
      })
      .toBe('done');
    // The frame's thumbnail was written before it was reported done: it is there at once.
    await page.locator('[data-frame="1"] img').waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-frame="2"]').getAttribute('data-state')).toBe('failed');
    await shot(page, 'requeued-frame');
    expect(watch.notFound).toEqual([]);
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
    const heads = await page
      .locator('[data-role=results] thead th')
      .evaluateAll((ths) => ths.map((th) => th.textContent ?? ''));
    const col = (name: string) => heads.indexOf(name);
    const table = await rows.evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')),
    );
    const expected = (done.results ?? []).map((r) => r.task);
    expect(table.map((r) => r[col('Task')])).toEqual(expected);
    const psnrs = table.map((r) => Number(r[col('PSNR')]));
    expect(psnrs.every((p) => p > 20)).toBe(true);
    expect([...psnrs].sort((a, b) => b - a)).toEqual(psnrs);
    expect(table.map((r) => r[col('Variables')]).sort()).toEqual([
      'lr_sigma=5',
      'lr_sigma=50',
      'lr_sigma=500',
    ]);
    expect(table.every((r) => /^node\d:\d+$/.test(r[col('GPU')] ?? ''))).toBe(true);
    await shot(page, 'plenoxels-results');
    expect(errors).toEqual([]);
    await page.context().close();
  });
  it('labels a command job in tasks, never frames, and requeues one of its tasks from the page', async () => {
    const { page } = await signedIn();
    const watch = watchPage(page);
    const tasks = [
      { id: 'fine', argv: ['true'] },
      {
        id: 'broken',
        argv: ['python3', '-c', 'import sys; print("nope", file=sys.stderr); sys.exit(3)'],
      },
    ]
      .map((t) => JSON.stringify(t))
      .join('\n');
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'command',
      nodes: 1,
      gpusPerNode: 2,
      name: 'two commands',
      tasks,
    });
    await coord.waitFor(job.id, ended);
    await page.goto(`${base}/#/job/${job.id}`);
    const item = page.locator('[data-failed-task="broken"]');
    await item.waitFor();
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).not.toMatch(/frame -?\d/i);
    expect(text).not.toMatch(/Frames|PSNR|Video appears/);
    expect(await page.locator('[data-role=done]').textContent()).toBe('1/2');
    expect(text).toContain('tasks done');
    expect(await item.locator('pre').textContent()).toMatch(/nope/);
    // The cause leads the headline, shown once; the output's last lines are folded under it.
    expect(await item.locator('[data-role=failure-headline]').textContent()).toMatch(
      /^nope \(`python3 -c .*` exited with 3\)$/,
    );
    expect(await item.locator('details').getAttribute('open')).toBeNull();
    const tries = page.locator('tr[data-task="broken"] td:nth-child(3)');
    expect(await tries.textContent()).toBe('3');
    const [req] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/task/requeue')),
      page.locator('tr[data-task="broken"] [data-action=task-requeue]').click(),
    ]);
    expect((await req.response())?.status()).toBe(200);
    await expect
      .poll(() => page.locator('[data-role=task-notice]').textContent())
      .toBe('Requeued broken');
    await expect
      .poll(() => page.locator('tr[data-task="broken"]').getAttribute('data-state'), {
        timeout: 60_000,
      })
      .not.toBe('queued');
    // Tries count every attempt: the three before the requeue and the one after.
    await expect
      .poll(async () => Number(await tries.textContent()), { timeout: 90_000 })
      .toBeGreaterThanOrEqual(4);
    await shot(page, 'command-job');
    expect(watch.consoleErrors).toEqual([]);
    await page.context().close();
  });
});
