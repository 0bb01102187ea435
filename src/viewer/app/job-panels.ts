import type { JobDetail } from '../../coordinator/api-types.js';
import { api, ApiError, blobUrl, jobFile } from './api.js';
import { button, h, replace } from './dom.js';
import { formatTime } from './format.js';

/** Failed frames with their error tail and a requeue button each. */
export function failedPanel(onRequeue: (frame: number | null) => Promise<string>): {
  el: HTMLElement;
  update(d: JobDetail): void;
} {
  const list = h('div', { class: 'failed-list', attrs: { 'data-role': 'failed-frames' } });
  const notice = h('div', { class: 'notice', attrs: { 'data-role': 'requeue-notice' } });
  const run = async (frame: number | null) => {
    replace(notice, 'Requeueing…');
    notice.className = 'notice muted';
    const msg = await onRequeue(frame);
    notice.className = `notice ${msg.startsWith('Requeued') ? 'ok' : 'error'}`;
    replace(notice, msg);
  };
  const el = h('div', { class: 'panel' }, h('h2', {}, 'Failed frames'), list, notice);
  return {
    el,
    update(d) {
      if (!d.failedFrames.length) return replace(list, h('p', { class: 'muted' }, 'None.'));
      replace(
        list,
        d.failedFrames.length > 1
          ? button(`Requeue all ${d.failedFrames.length}`, () => void run(null), {
              attrs: { 'data-action': 'requeue-all' },
            })
          : null,
        ...d.failedFrames.slice(0, 200).map((f) =>
          h(
            'div',
            { class: 'failed-item', attrs: { 'data-failed-frame': String(f.frame) } },
            h(
              'div',
              { class: 'actions' },
              h('b', {}, `Frame ${f.frame}`),
              button('Requeue', () => void run(f.frame), { attrs: { 'data-action': 'requeue' } }),
            ),
            h('div', {}, f.error),
            f.errorTail.length ? h('pre', { class: 'tail' }, f.errorTail.join('\n')) : null,
          ),
        ),
      );
    },
  };
}

/** Allocations (Slurm jobs) and the job's history: submissions, scaling, failures. */
export function historyPanel(): { el: HTMLElement; update(d: JobDetail): void } {
  const allocs = h('tbody');
  const events = h('div', { class: 'events', attrs: { 'data-role': 'events' } });
  const el = h(
    'div',
    { class: 'panel' },
    h('h2', {}, 'Allocations and scaling history'),
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Slurm job', 'Role', 'State', 'Nodes', 'Asked', 'From', 'To'].map((t) =>
            h('th', {}, t),
          ),
        ),
      ),
      allocs,
    ),
    events,
  );
  return {
    el,
    update(d) {
      replace(
        allocs,
        ...d.allocations.map((a) =>
          h(
            'tr',
            {},
            h('td', { class: 'mono' }, String(a.slurmJobId)),
            h('td', {}, a.role),
            h('td', {}, a.state, a.reason ? ` (${a.reason})` : ''),
            h('td', { class: 'mono' }, a.nodes.join(',') || '—'),
            h('td', {}, String(a.requestedNodes)),
            h('td', {}, formatTime(a.createdAt)),
            h('td', {}, formatTime(a.endedAt)),
          ),
        ),
      );
      replace(
        events,
        ...[...d.events]
          .reverse()
          .slice(0, 150)
          .map((e) =>
            h(
              'div',
              {},
              h('span', { class: 't' }, formatTime(e.at)),
              h('span', { class: 'type' }, e.type),
              h('span', { class: 'muted' }, `${e.actor}: `),
              e.message,
            ),
          ),
      );
    },
  };
}

/** The MP4 once it exists, fetched with the token as a blob. */
export function videoPanel(jobId: string): {
  el: HTMLElement;
  update(d: JobDetail): void;
  close(): void;
} {
  const body = h(
    'div',
    {},
    h('p', { class: 'muted' }, 'The video appears here once the encode stage has run.'),
  );
  let loaded: string | null = null;
  let url: string | null = null;
  return {
    el: h('div', { class: 'panel' }, h('h2', {}, 'Video'), body),
    update(d) {
      if (!d.video || d.video === loaded) return;
      loaded = d.video;
      replace(body, h('p', { class: 'muted' }, 'Loading video…'));
      blobUrl(jobFile(jobId, d.video))
        .then((u) => {
          url = u;
          replace(
            body,
            h('video', {
              attrs: { src: u, controls: '', preload: 'metadata', 'data-role': 'video' },
            }),
            h('div', { class: 'muted mono' }, d.video ?? ''),
          );
        })
        .catch((err: Error) =>
          replace(
            body,
            h('p', { class: 'notice error' }, `Could not load the video: ${err.message}`),
          ),
        );
    },
    close() {
      if (url) URL.revokeObjectURL(url);
    },
  };
}

/** The last log lines of one agent (or the Slurm job output), refreshed as the job moves. */
export function logsPanel(jobId: string): {
  el: HTMLElement;
  update(d: JobDetail): void;
  refresh(): void;
} {
  const pick = h(
    'select',
    { attrs: { 'aria-label': 'agent', 'data-role': 'log-agent' } },
    h('option', { attrs: { value: '' } }, 'Slurm job output'),
  );
  const pre = h('pre', { class: 'logs', attrs: { 'data-role': 'logs' } }, '…');
  const known = new Set<string>();
  const refresh = () => {
    const q = pick.value ? `agent=${encodeURIComponent(pick.value)}&tail=300` : 'tail=300';
    api<{ lines: string[] }>('GET', `/api/jobs/${encodeURIComponent(jobId)}/logs?${q}`)
      .then((r) => {
        const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        pre.textContent = r.lines.join('\n') || '(no lines yet)';
        if (atEnd) pre.scrollTop = pre.scrollHeight;
      })
      .catch(
        (err: Error) =>
          (pre.textContent = `Could not read the logs: ${err instanceof ApiError ? err.message : String(err)}`),
      );
  };
  pick.addEventListener('change', refresh);
  return {
    el: h(
      'div',
      { class: 'panel' },
      h('div', { class: 'actions' }, h('h2', {}, 'Logs'), pick),
      pre,
    ),
    update(d) {
      for (const a of d.agents) {
        if (known.has(a.id)) continue;
        known.add(a.id);
        pick.append(h('option', { attrs: { value: a.id } }, `${a.node} GPU ${a.gpu} (${a.state})`));
      }
    },
    refresh,
  };
}

/** An IndeX session's viewer address, once the session's head has printed it. */
export function serviceSlot(d: JobDetail): HTMLElement | null {
  if (d.kind !== 'index') return null;
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

/**
 * Plenoxels sweeps and command jobs: one row per task, best PSNR first (the coordinator sorts),
 * as `status` prints it and the leaderboard files hold it.
 */
export function resultsPanel(d: JobDetail): HTMLElement | null {
  const rows = d.results ?? [];
  if (!rows.length) return null;
  const head = ['Task', 'State', 'Variables', 'PSNR', 'SSIM', 'LPIPS', 'Minutes', 'GPU'];
  return h(
    'div',
    { class: 'panel', attrs: { 'data-role': 'results' } },
    h('h2', {}, `Results (${rows.length} task${rows.length === 1 ? '' : 's'})`),
    h(
      'table',
      { class: 'results' },
      h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...rows.map((r) =>
          h(
            'tr',
            { attrs: { 'data-task': r.task, 'data-state': r.state } },
            h('td', { class: 'mono' }, r.task),
            h('td', {}, r.state),
            h(
              'td',
              { class: 'mono' },
              Object.entries(r.variables)
                .map(([k, v]) => `${k}=${v}`)
                .join(' '),
            ),
            h('td', {}, metric(r.psnr, 2)),
            h('td', {}, metric(r.ssim, 3)),
            h('td', {}, metric(r.lpips, 3)),
            h('td', {}, metric(r.minutes, 1)),
            h('td', { class: 'mono' }, r.gpu ?? '—'),
          ),
        ),
      ),
    ),
  );
}
