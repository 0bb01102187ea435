import type { Page } from 'playwright-core';

/** What a page asked for and what went wrong on it, recorded from the start. */
export interface PageWatch {
  requests: { url: string; at: number }[];
  notFound: string[];
  consoleErrors: string[];
  /** Requests for thumbnails, by path. */
  thumbs(): Map<string, number>;
  /** Requests made in [from, to). */
  between(from: number, to: number): string[];
}

/** Records every request, every 404 and every console error or uncaught exception of a page. */
export function watchPage(page: Page): PageWatch {
  const w: PageWatch = {
    requests: [],
    notFound: [],
    consoleErrors: [],
    thumbs() {
      const m = new Map<string, number>();
      for (const r of w.requests)
        if (r.url.includes('/thumbs/')) m.set(r.url, (m.get(r.url) ?? 0) + 1);
      return m;
    },
    between(from, to) {
      return w.requests.filter((r) => r.at >= from && r.at < to).map((r) => r.url);
    },
  };
  page.on('request', (r) => w.requests.push({ url: r.url(), at: Date.now() }));
  page.on('response', (r) => r.status() === 404 && w.notFound.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && w.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => w.consoleErrors.push(e.message));
  return w;
}

/**
 * Starts recording, in the page, every state each task row and frame cell shows (`data-state`
 * as it changes), keyed by the task's name (`frame 7`). Read them with `stateHistory`.
 */
export async function recordStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    const note = (el: Element) => {
      const key = el.getAttribute('data-task') ?? `cell ${el.getAttribute('data-frame') ?? '?'}`;
      const state = el.getAttribute('data-state');
      if (!state) return;
      const list = (seen[key] ??= []);
      if (list[list.length - 1] !== state) list.push(state);
    };
    const sel = '[data-role=tasks] tr[data-task], [data-role=frame-grid] [data-frame]';
    document.querySelectorAll(sel).forEach(note);
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target instanceof Element && r.target.matches(sel))
          note(r.target);
        r.addedNodes.forEach((n) => {
          if (n instanceof Element) {
            if (n.matches(sel)) note(n);
            n.querySelectorAll(sel).forEach(note);
          }
        });
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-state'],
    });
    (window as unknown as { stateHistory: typeof seen }).stateHistory = seen;
  });
}

/** Every state each task showed, in order (see recordStates). */
export function stateHistory(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(
    () => (window as unknown as { stateHistory: Record<string, string[]> }).stateHistory,
  );
}

const RANK: Record<string, number> = { queued: 0, leased: 1, done: 2, failed: 2, cancelled: 2 };

/** Tasks whose shown state went back (done → queued, running → queued), with what they showed. */
export function wentBack(history: Record<string, string[]>): string[] {
  return Object.entries(history)
    .filter(([, states]) =>
      states.some((s, i) => i > 0 && (RANK[s] ?? 0) < (RANK[states[i - 1] ?? ''] ?? 0)),
    )
    .map(([k, states]) => `${k}: ${states.join(' → ')}`);
}

/** A human-like click: the pointer moves there, presses, and lets go a moment later. */
export async function humanClick(page: Page, selector: string): Promise<void> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not on screen`);
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x - 20, y - 10);
  await page.mouse.move(x, y, { steps: 5 });
  await page.mouse.down();
  await page.waitForTimeout(90);
  await page.mouse.up();
}

/**
 * Controls and headers cut off: a button, link, input or table header whose box reaches past the
 * window, or past a panel that does not scroll to show it.
 */
export function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const vw = document.documentElement.clientWidth;
    const controls = document.querySelectorAll<HTMLElement>('button, a, input, select, th, h1, h2');
    for (const el of Array.from(controls)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest('[hidden]') || el.closest('.lightbox')) continue;
      const scroller = el.closest('.table-scroll, .grid-scroll, .events, .failed-list, pre');
      if (scroller) continue;
      if (r.right > vw + 1 || r.left < -1)
        out.push(
          `${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 30)}" at ${Math.round(r.left)}-${Math.round(r.right)} of ${vw}`,
        );
    }
    for (const t of Array.from(document.querySelectorAll<HTMLElement>('.table-scroll')))
      if (t.getBoundingClientRect().width > 0 && t.scrollWidth > t.clientWidth + 1)
        out.push(`a table is cut off: ${t.scrollWidth} px in ${t.clientWidth} px`);
    const main = document.querySelector('main');
    if (main && main.scrollWidth > main.clientWidth + 1)
      out.push(`the page scrolls sideways: ${main.scrollWidth} > ${main.clientWidth}`);
    return out;
  });
}
