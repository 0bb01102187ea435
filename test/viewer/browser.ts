import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium; tests never download a browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve('test-artifacts', 'viewer');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A 1280×800 page (a typical DCV window) that fails the test on any dialog and records page errors. */
export async function newPage(
  browser: Browser,
): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, dialogs, errors };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/** Mints a one-time code with the user token and returns the viewer URL that carries it. */
export async function loginUrl(base: string, token: string): Promise<string> {
  const r = await fetch(`${base}/api/login-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  if (!r.ok) throw new Error(`login code: HTTP ${r.status}`);
  const { code } = (await r.json()) as { code: string };
  return `${base}/#code=${code}`;
}
