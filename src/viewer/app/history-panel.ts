import type { JobDetail, JobEvent } from '../../api/types.js';
import { h, replace } from './dom.js';
import { formatTime } from './format.js';
import { slurmReason } from './pace-text.js';

function line(e: JobEvent): HTMLElement {
  return h(
    'div',
    { class: `ev ${e.level ?? 'info'}`, attrs: { 'data-event': e.type } },
    h('span', { class: 't' }, formatTime(e.at)),
    h('span', { class: 'type' }, e.type),
    h('span', { class: 'muted' }, `${e.actor}: `),
    e.message,
  );
}

/** Newest first; runs of routine events fold into one line that opens on a click. */
function folded(events: JobEvent[]): HTMLElement[] {
  const out: HTMLElement[] = [];
  let run: JobEvent[] = [];
  const flush = () => {
    if (run.length === 1 && run[0]) out.push(line(run[0]));
    else if (run.length > 1)
      out.push(
        h(
          'details',
          { class: 'fold' },
          h(
            'summary',
            { class: 'muted' },
            `${run.length} routine events (agents, released allocations)`,
          ),
          ...run.map(line),
        ),
      );
    run = [];
  };
  for (const e of [...events].reverse().slice(0, 200)) {
    if (e.level === 'detail') run.push(e);
    else {
      flush();
      out.push(line(e));
    }
  }
  flush();
  return out;
}

/** Allocations (Slurm jobs) and the job's history: submissions, scaling, failures. */
export function historyPanel(): { el: HTMLElement; update(d: JobDetail): void } {
  const allocs = h('tbody');
  const events = h('div', { class: 'events', attrs: { 'data-role': 'events' } });
  const el = h(
    'div',
    { class: 'panel' },
    h('h2', {}, 'Allocations and history'),
    h(
      'div',
      { class: 'table-scroll' },
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
    ),
    events,
  );
  let shown = '';
  return {
    el,
    update(d) {
      const key = JSON.stringify([d.allocations, d.events.at(-1)?.id, d.events.length]);
      if (key === shown) return;
      shown = key;
      replace(
        allocs,
        ...d.allocations.map((a) => {
          const why = a.state === 'pending' ? slurmReason(a.reason) : '';
          return h(
            'tr',
            {},
            h('td', { class: 'mono' }, String(a.slurmJobId)),
            h('td', {}, a.role),
            h('td', {}, a.state === 'ended' ? 'released' : a.state, why ? ` (${why})` : ''),
            h('td', { class: 'mono' }, a.nodes.join(',') || '—'),
            h('td', {}, String(a.requestedNodes)),
            h('td', {}, formatTime(a.createdAt)),
            h('td', {}, formatTime(a.endedAt)),
          );
        }),
      );
      const open = events.querySelector('details[open]') !== null;
      replace(events, ...folded(d.events));
      if (open) events.querySelector('details')?.setAttribute('open', '');
    },
  };
}
