import type { CoordinatorEvent, JobSummary } from '../../api/types.js';
import { api } from './api.js';
import { h, replace, setText, throttle } from './dom.js';
import { formatWhen, pickJobs, progressShares, type JobSort } from './format.js';
import { jobActions, type JobActions } from './job-actions.js';
import { ownerFilter } from './owner-filter.js';
import {
  doneText,
  etaText,
  formatDuration,
  elapsedAt,
  rateText,
  restText,
  shownState,
} from './pace-text.js';
import type { View } from './view.js';

/** A job's state as a badge: `waiting` (with why as its tooltip) while Slurm has not started it. */
export function stateBadge(
  j: Pick<JobSummary, 'state' | 'waiting'> & Partial<Pick<JobSummary, 'suspendedAt'>>,
): HTMLElement {
  const state = shownState(j);
  const badge = h('span', { class: `state ${state}`, attrs: { 'data-role': 'state' } }, state);
  if (j.waiting) badge.title = j.waiting.reason;
  return badge;
}

export function progressBar(p: JobSummary['progress']): HTMLElement {
  const s = progressShares(p);
  let left = 0;
  const part = (cls: string, width: number) => {
    const span = h('span', { class: cls });
    span.style.left = `${left}%`;
    span.style.width = `${width}%`;
    left += width;
    return span;
  };
  return h(
    'span',
    { class: 'bar' },
    part('done', s.done),
    part('failed', s.failed),
    part('cancelled', s.cancelled),
    part('leased', s.leased),
  );
}

interface Row {
  tr: HTMLTableRowElement;
  cells: Record<'job' | 'state' | 'progress' | 'rate' | 'eta' | 'when' | 'time', HTMLElement>;
  actions: JobActions;
  job: JobSummary;
  key: string;
}

const COLUMNS: [string, keyof Row['cells'] | 'actions', JobSort | null][] = [
  ['Job', 'job', 'name'],
  ['State', 'state', 'state'],
  ['Progress', 'progress', 'progress'],
  ['Rate', 'rate', null],
  ['ETA', 'eta', null],
  ['Submitted', 'when', 'submitted'],
  ['Time', 'time', 'duration'],
  ['', 'actions', null],
];

/**
 * All jobs, newest first (or sorted by a column), filtered by words and state, updated in place
 * from `job:updated` events. Each row has cancel only; the rest is on the job's page.
 */
export function jobsView(): View {
  const body = h('tbody');
  const rows = new Map<string, Row>();
  let sort: JobSort = 'submitted';
  let descending = true;
  const text = h('input', {
    attrs: {
      type: 'search',
      placeholder: 'filter: name, id, kind',
      'aria-label': 'filter jobs',
      'data-role': 'job-filter',
    },
  });
  const state = h(
    'select',
    { attrs: { 'aria-label': 'state', 'data-role': 'job-state-filter' } },
    ...['', 'waiting', 'suspended', 'running', 'queued', 'succeeded', 'failed', 'cancelled'].map(
      (s) => h('option', { attrs: { value: s } }, s || 'any state'),
    ),
  );
  const whose = ownerFilter();
  const empty = h(
    'p',
    { class: 'muted' },
    'No jobs yet: `cluster-tool submit blender scene.blend --frames 1-240 --nodes 4`.',
  );
  const heads = COLUMNS.map(([label, col, by]) => {
    const th = h('th', { class: `c-${col}` }, label);
    if (by) {
      th.classList.add('sortable');
      th.setAttribute('data-sort', by);
      th.addEventListener('click', () => {
        descending = sort === by ? !descending : by === 'submitted' || by === 'duration';
        sort = by;
        for (const x of heads) x.classList.remove('asc', 'desc');
        th.classList.add(descending ? 'desc' : 'asc');
        order();
      });
    }
    return th;
  });
  heads[5]?.classList.add('desc');
  const el = h(
    'div',
    { class: 'panel' },
    h(
      'div',
      { class: 'panel-head' },
      h('h2', {}, 'Jobs'),
      h('div', { class: 'actions' }, whose.el, text, state),
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'jobs', attrs: { 'data-role': 'jobs' } },
        h('thead', {}, h('tr', {}, ...heads)),
        body,
      ),
    ),
    empty,
  );

  const fill = (r: Row, now: number) => {
    const j = r.job;
    const key = JSON.stringify([j.state, j.waiting, j.suspendedAt, j.progress, j.name]);
    if (key !== r.key) {
      r.key = key;
      replace(
        r.cells.job,
        h(
          'a',
          { attrs: { href: `#/job/${encodeURIComponent(j.id)}`, 'data-role': 'job-link' } },
          j.name,
        ),
        h(
          'div',
          { class: 'muted mono' },
          `${j.id} · ${j.kind} · `,
          h('span', { attrs: { 'data-role': 'owner' } }, j.owner ?? 'operator'),
        ),
      );
      r.cells.job.title = j.name;
      replace(
        r.cells.state,
        stateBadge(j),
        ...(j.waiting
          ? [
              h(
                'div',
                { class: 'waiting-reason', attrs: { 'data-role': 'waiting' } },
                j.waiting.reason,
              ),
            ]
          : []),
      );
      const rest = restText(j.progress, j.unit);
      replace(
        r.cells.progress,
        progressBar(j.progress),
        h(
          'div',
          { class: 'muted', attrs: { 'data-role': 'progress' } },
          doneText(j.progress, j.unit),
          rest ? ` · ${rest}` : '',
        ),
      );
    }
    setText(r.cells.rate, rateText(j));
    setText(r.cells.eta, etaText(j, now));
    setText(r.cells.when, formatWhen(j.createdAt, now));
    setText(r.cells.time, formatDuration(elapsedAt(j, now)));
  };

  const upsert = (j: JobSummary) => {
    const row = rows.get(j.id);
    if (row) {
      row.job = j;
      row.actions.update(j);
      fill(row, Date.now());
      return;
    }
    const td = (c: string) => h('td', { class: `c-${c}${c === 'job' ? ' name' : ''}` });
    const cells: Row['cells'] = {
      job: td('job'),
      state: td('state'),
      progress: td('progress'),
      rate: td('rate'),
      eta: td('eta'),
      when: td('when'),
      time: td('time'),
    };
    const actions = jobActions(j, { compact: true });
    const tr = h(
      'tr',
      { attrs: { 'data-job': j.id } },
      ...Object.values(cells),
      h('td', { class: 'c-actions' }, actions.el),
    );
    const r: Row = { tr, cells, actions, job: j, key: '' };
    rows.set(j.id, r);
    fill(r, Date.now());
  };

  /** Puts the rows in the chosen order, hiding those the filter leaves out. */
  const order = () => {
    const shown = pickJobs([...rows.values()].map((r) => r.job).filter(whose.shows), {
      text: text.value,
      state: state.value,
      sort,
      descending,
    });
    const visible = new Set(shown.map((j) => j.id));
    for (const [id, r] of rows) if (!visible.has(id) && r.tr.parentNode) r.tr.remove();
    let before: Element | null = null;
    for (const j of shown) {
      const tr = rows.get(j.id)?.tr;
      if (!tr) continue;
      const next: Element | null = before ? before.nextElementSibling : body.firstElementChild;
      if (next !== tr) body.insertBefore(tr, next);
      before = tr;
    }
    empty.hidden = rows.size > 0;
  };
  const reorder = throttle(order, 500);
  text.addEventListener('input', order);
  state.addEventListener('change', order);
  whose.el.addEventListener('change', order);
  const ticker = window.setInterval(() => {
    const now = Date.now();
    for (const r of rows.values()) if (r.job.finishedAt === null) fill(r, now);
  }, 1000);

  return {
    el,
    async load() {
      await whose.load();
      const jobs = await api<JobSummary[]>('GET', '/api/jobs?show=all');
      for (const j of jobs) upsert(j);
      order();
    },
    onEvent(e: CoordinatorEvent) {
      if (e.type !== 'job:updated') return;
      upsert(e.summary);
      reorder();
    },
    close() {
      reorder.cancel();
      window.clearInterval(ticker);
    },
  };
}
