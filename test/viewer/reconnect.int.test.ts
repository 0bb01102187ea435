import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readAddress, readToken } from '../../src/coordinator/state-dir.js';
import { isAlive } from '../../src/local/procs.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { launchBrowser, loginUrl, shot } from './browser.js';

// A restart of the coordinator while two tabs of a job's page are open, signed in by the session
// cookie: SIGTERM ends it within 5 s, the pages say "reconnecting", and once it is back on the
// same state directory and port they are live again with no second sign-in.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-reconnect-');
let coord: CoordinatorProcess;
let browser: Browser;

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await cleanUp(slurm, root, coord);
});

const liveText = (p: Page) => p.locator('[data-role=live]').textContent();

describe('a coordinator restart with viewers open', () => {
  it('exits within 5 s on SIGTERM; two tabs say reconnecting, then recover without signing in again', async () => {
    const file = path.join(root, 'one.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 'one', argv: ['true'] })}\n`);
    const sub = runCli(['submit', 'command', '--tasks', file, '--state-dir', coord.stateDir]);
    expect(sub.code, sub.stderr).toBe(0);
    const job = await coord.waitFor(sub.stdout.trim(), ended);

    const base = readAddress(coord.stateDir)?.url ?? '';
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    context.on('weberror', (e) => errors.push(e.error().message));
    const first = await context.newPage();
    await first.goto(await loginUrl(base, readToken(coord.stateDir) ?? ''));
    await first.locator('header.top').waitFor();
    const tabs = [first, await context.newPage()];
    for (const tab of tabs) {
      await tab.goto(`${base}/#/job/${job.id}`);
      await tab.locator('[data-role=job-name]').waitFor();
      await expect.poll(() => liveText(tab)).toBe('live');
    }

    const began = Date.now();
    coord.kill('SIGTERM');
    while (isAlive(coord.pid) && Date.now() - began < 10_000) await sleep(50);
    expect(isAlive(coord.pid)).toBe(false);
    expect(Date.now() - began).toBeLessThan(5_000);
    for (const tab of tabs)
      await expect.poll(() => liveText(tab), { timeout: 15_000 }).toBe('reconnecting');
    await shot(first, 'reconnecting');

    await coord.start(`127.0.0.1:${new URL(base).port}`);
    expect(readAddress(coord.stateDir)?.url).toBe(base);
    for (const tab of tabs) {
      await expect.poll(() => liveText(tab), { timeout: 60_000 }).toBe('live');
      expect(await tab.locator('[data-role=login]').count()).toBe(0);
      expect(await tab.locator('[data-role=job-name]').count()).toBe(1);
    }
    // The page still works against the new process: a fresh load shows the job, no sign-in.
    await tabs[1]?.reload();
    await tabs[1]?.locator('[data-role=job-name]').waitFor();
    expect(await tabs[1]?.locator('[data-role=login]').count()).toBe(0);
    await shot(first, 'reconnected');
    expect(errors).toEqual([]);
    await context.close();
  });
});
