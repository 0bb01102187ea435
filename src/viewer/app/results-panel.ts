import type { JobDetail, ResultRow } from '../../api/types.js';
import { h } from './dom.js';

/** A service's address (an IndeX session's viewer), once the session's head has printed it. */
export function serviceSlot(d: JobDetail): HTMLElement | null {
  if (!d.presentation.panels.includes('service')) return null;
  const url = d.serviceUrl;
  return h(
    'div',
    { class: 'panel', attrs: { 'data-role': 'service-viewer' } },
    h('h2', {}, 'IndeX session viewer'),
    url && /^https?:\/\//.test(url)
      ? h('a', { attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' } }, url)
      : 'The IndeX session is still loading; its viewer address appears here once the head prints it.',
  );
}

const metric = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));

type Column = [string, (r: ResultRow) => string, string?];

/**
 * Plenoxels sweeps and command jobs: one row per task, best PSNR first (the coordinator sorts),
 * as `status` prints it and the leaderboard files hold it. Metric columns no task has are left
 * out, and so is the table when no task has any.
 */
export function resultsPanel(d: JobDetail): HTMLElement | null {
  const rows = d.presentation.panels.includes('results') ? (d.results ?? []) : [];
  const has = (k: 'psnr' | 'ssim' | 'lpips' | 'minutes') => rows.some((r) => r[k] !== null);
  // Without a metric the task table says it all (command jobs).
  if (!rows.length || !(has('psnr') || has('ssim') || has('lpips'))) return null;
  const columns: Column[] = [
    ['Task', (r) => r.task, 'mono'],
    ['State', (r) => (r.state === 'leased' ? 'running' : r.state)],
    [
      'Variables',
      (r) =>
        Object.entries(r.variables)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ') || '—',
      'mono',
    ],
    ...(has('psnr') ? [['PSNR', (r: ResultRow) => metric(r.psnr, 2)] as Column] : []),
    ...(has('ssim') ? [['SSIM', (r: ResultRow) => metric(r.ssim, 3)] as Column] : []),
    ...(has('lpips') ? [['LPIPS', (r: ResultRow) => metric(r.lpips, 3)] as Column] : []),
    ...(has('minutes') ? [['Minutes', (r: ResultRow) => metric(r.minutes, 1)] as Column] : []),
    ['GPU', (r) => r.gpu ?? '—', 'mono'],
  ];
  return h(
    'div',
    { class: 'panel', attrs: { 'data-role': 'results' } },
    h('h2', {}, `Results (${rows.length} task${rows.length === 1 ? '' : 's'})`),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'results' },
        h(
          'thead',
          {},
          h('tr', {}, ...columns.map(([c]) => h('th', { attrs: { 'data-col': c } }, c))),
        ),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              { attrs: { 'data-task': r.task, 'data-state': r.state } },
              ...columns.map(([, get, cls]) => h('td', cls ? { class: cls } : {}, get(r))),
            ),
          ),
        ),
      ),
    ),
  );
}
