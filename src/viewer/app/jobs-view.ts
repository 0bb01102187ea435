import type { CoordinatorEvent, JobSummary } from '../../coordinator/api-types.js';
import { api } from './api.js';
import { h, replace } from './dom.js';
import { formatDuration, formatRate, progressShares } from './format.js';
import { jobActions } from './job-actions.js';
import type { View } from './view.js';

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `state ${state}` }, state);
}

export function progressBar(p: JobSummary['progress']): HTMLElement {
  const s = progressShares(p);
  const done = h('span', { class: 'done' });
  done.style.width = `${s.done}%`;
  const failed = h('span', { class: 'failed' });
  failed.style.left = `${s.done}%`;
  failed.style.width = `${s.failed}%`;
  const leased = h('span', { class: 'leased' });
  leased.style.left = `${s.done + s.failed}%`;
  leased.style.width = `${s.leased}%`;
  return h('span', { class: 'bar' }, done, failed, leased);
}

function cells(j: JobSummary): HTMLElement[] {
  return [
    h(
      'td',
      { class: 'name', title: j.name },
      h(
        'a',
        { attrs: { href: `#/job/${encodeURIComponent(j.id)}`, 'data-role': 'job-link' } },
        j.name,
      ),
      h('div', { class: 'muted mono' }, `${j.id} · ${j.kind}`),
    ),
    h('td', {}, stateBadge(j.state)),
    h(
      'td',
      {},
      progressBar(j.progress),
      h(
        'div',
        { class: 'muted', attrs: { 'data-role': 'progress' } },
        `${j.progress.done}/${j.progress.total} done`,
        j.progress.failed ? ` · ${j.progress.failed} failed` : '',
      ),
    ),
    h('td', { attrs: { 'data-role': 'rate' } }, formatRate(j.ratePerMinute)),
    h('td', {}, formatDuration(j.etaSeconds)),
    h('td', { class: 'mono' }, j.nodes.join(', ') || '—'),
    h('td', {}, String(j.gpus)),
  ];
}

/** All jobs, newest first, updated in place from `job:updated` events. */
export function jobsView(): View {
  const body = h('tbody');
  const rows = new Map<
    string,
    { tr: HTMLTableRowElement; data: HTMLElement[]; actions: ReturnType<typeof jobActions> }
  >();
  const empty = h(
    'p',
    { class: 'muted' },
    'No jobs yet: `cluster-tool submit blender scene.blend --frames 1-240 --nodes 4`.',
  );
  const el = h(
    'div',
    {},
    h(
      'div',
      { class: 'panel' },
      h('h2', {}, 'Jobs'),
      h(
        'table',
        { attrs: { 'data-role': 'jobs' } },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Job', 'State', 'Progress', 'Rate', 'ETA', 'Nodes', 'GPUs', 'Actions'].map((t) =>
              h('th', {}, t),
            ),
          ),
        ),
        body,
      ),
      empty,
    ),
  );

  const upsert = (j: JobSummary, top: boolean) => {
    const row = rows.get(j.id);
    if (row) {
      const fresh = cells(j);
      row.data.forEach((td, i) => {
        const next = fresh[i];
        if (next) td.replaceWith(next);
      });
      row.data = fresh;
      row.actions.update(j);
      return;
    }
    const actions = jobActions(j);
    const data = cells(j);
    const tr = h('tr', { attrs: { 'data-job': j.id } }, ...data, h('td', {}, actions.el));
    rows.set(j.id, { tr, data, actions });
    if (top) body.prepend(tr);
    else body.append(tr);
    empty.hidden = true;
  };

  const load = async () => {
    const jobs = await api<JobSummary[]>('GET', '/api/jobs');
    jobs.sort((a, b) => b.createdAt - a.createdAt);
    replace(body);
    rows.clear();
    empty.hidden = jobs.length > 0;
    for (const j of jobs) upsert(j, false);
  };

  return {
    el,
    load,
    onEvent(e: CoordinatorEvent) {
      if (e.type === 'job:updated') upsert(e.summary, true);
    },
  };
}
