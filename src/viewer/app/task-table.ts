import type { TaskState, TaskView } from '../../api/types.js';
import { button, h, replace, setAttr, setText } from './dom.js';
import { formatDuration, liveText } from './pace-text.js';

const SHOWN = 200;
const FILTERS: [string, TaskState | ''][] = [
  ['All', ''],
  ['Running', 'leased'],
  ['Queued', 'queued'],
  ['Failed', 'failed'],
  ['Cancelled', 'cancelled'],
  ['Done', 'done'],
];

/** What a row's buttons do. */
export interface TaskActions {
  log(t: TaskView): void;
  requeue(t: TaskView): Promise<string>;
  cancel(t: TaskView): Promise<string>;
}

interface Row {
  tr: HTMLTableRowElement;
  cells: HTMLElement[];
  requeue: HTMLButtonElement;
  cancel: HTMLButtonElement;
  task: TaskView;
}

const stateWord = (s: TaskState) => (s === 'leased' ? 'running' : s);

function duration(t: TaskView, now: number): string {
  if (t.startedAt === null || t.state === 'queued' || t.state === 'cancelled') return '—';
  return formatDuration(((t.finishedAt ?? now) - t.startedAt) / 1000);
}

/** A state cell's words: a running task's with how far it is, when its agent has said. */
function stateText(t: TaskView, now: number): string {
  if (t.state !== 'leased' || !t.progress) return stateWord(t.state);
  return `running ${liveText(t.progress, now, t.frames.length > 1)}`;
}

/**
 * Every task of a job: name (frame or task), state, attempts, agent and GPU, duration, and its
 * log, with requeue (finished tasks, done ones too) and cancel (queued or running ones). Rows
 * are kept and changed in place; a filter picks tasks by state.
 */
export class TaskTable {
  readonly el: HTMLElement;
  private readonly body = h('tbody');
  private readonly note = h('div', { class: 'muted' });
  private readonly notice = h('div', { class: 'notice', attrs: { 'data-role': 'task-notice' } });
  private readonly rows = new Map<number, Row>();
  private filter: TaskState | '' = '';
  private tasks: TaskView[] = [];
  private active = true;

  constructor(private readonly actions: TaskActions) {
    const chips = h('div', { class: 'actions chips' });
    const chipButtons = FILTERS.map(([label, state]) =>
      button(
        label,
        () => {
          this.filter = state;
          for (const b of chipButtons) b.classList.toggle('on', b === chipFor(state));
          this.draw(true);
        },
        { attrs: { 'data-filter': state || 'all' } },
      ),
    );
    const chipFor = (s: string) => chipButtons[FILTERS.findIndex(([, x]) => x === s)];
    chipButtons[0]?.classList.add('on');
    chips.append(...chipButtons);
    this.el = h(
      'div',
      { class: 'panel', attrs: { 'data-role': 'tasks' } },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Tasks'), chips),
      h(
        'div',
        { class: 'table-scroll tasks-scroll' },
        h(
          'table',
          { class: 'tasks' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Task', 'State', 'Tries', 'Agent / GPU', 'Duration', ''].map((c) =>
                h('th', {}, c),
              ),
            ),
          ),
          this.body,
        ),
      ),
      this.note,
      this.notice,
    );
  }

  /** The job's tasks (in plan order) and whether it still runs (cancel needs a running job). */
  update(tasks: TaskView[], jobActive: boolean): void {
    this.tasks = tasks;
    this.active = jobActive;
    this.draw(false);
  }

  /** Refreshes the durations of running tasks. */
  tick(): void {
    const now = Date.now();
    for (const r of this.rows.values()) {
      if (r.task.state !== 'leased') continue;
      if (r.cells[4]) setText(r.cells[4], duration(r.task, now));
      if (r.cells[1]) setText(r.cells[1], stateText(r.task, now));
    }
  }

  private draw(rebuild: boolean): void {
    const picked = this.filter ? this.tasks.filter((t) => t.state === this.filter) : this.tasks;
    const shown = picked.slice(0, SHOWN);
    if (rebuild) {
      replace(this.body);
      this.rows.clear();
    }
    const keep = new Set(shown.map((t) => t.id));
    for (const [id, r] of this.rows)
      if (!keep.has(id)) {
        r.tr.remove();
        this.rows.delete(id);
      }
    const now = Date.now();
    let before: Element | null = null;
    for (const t of shown) {
      const row = this.rows.get(t.id) ?? this.row(t);
      this.fill(row, t, now);
      // Keep plan order without moving rows that are already in place.
      const next: Element | null = before ? before.nextElementSibling : this.body.firstElementChild;
      if (next !== row.tr) this.body.insertBefore(row.tr, next);
      before = row.tr;
    }
    setText(
      this.note,
      picked.length > SHOWN
        ? `Showing ${SHOWN} of ${picked.length} tasks; pick a state above to narrow them.`
        : picked.length
          ? ''
          : 'No task in this state.',
    );
  }

  private row(t: TaskView): Row {
    const cells = Array.from({ length: 5 }, (_, i) =>
      h('td', { class: i === 0 || i === 3 ? 'mono' : '' }),
    );
    const say = (p: Promise<string>) =>
      void p.then((m) => {
        this.notice.className = `notice ${/^(Requeued|Cancelled)/.test(m) ? 'ok' : 'error'}`;
        replace(this.notice, m);
      });
    const r: Row = {
      tr: h('tr'),
      cells,
      task: t,
      requeue: button('Requeue', () => say(this.actions.requeue(r.task)), {
        attrs: { 'data-action': 'task-requeue' },
      }),
      cancel: button('Cancel', () => say(this.actions.cancel(r.task)), {
        class: 'danger',
        attrs: { 'data-action': 'task-cancel' },
      }),
    };
    const log = button('Log', () => this.actions.log(r.task), {
      attrs: { 'data-action': 'task-log' },
    });
    r.tr.append(...cells, h('td', { class: 'row-actions' }, log, r.requeue, r.cancel));
    this.rows.set(t.id, r);
    return r;
  }

  private fill(r: Row, t: TaskView, now: number): void {
    r.task = t;
    setAttr(r.tr, 'data-task', t.name);
    setAttr(r.tr, 'data-state', t.state);
    const [name, state, attempts, where, time] = r.cells;
    if (name) setText(name, t.name);
    if (state) {
      setText(state, stateText(t, now));
      setAttr(state, 'class', `st ${t.state}`);
    }
    // Every attempt recorded, not the count a requeue resets.
    if (attempts) setText(attempts, String(t.tries));
    if (where)
      setText(where, t.node && t.state !== 'queued' ? `${t.node} GPU ${t.gpu ?? '?'}` : '—');
    if (time) setText(time, duration(t, now));
    const requeue = !(t.state === 'done' || t.state === 'failed' || t.state === 'cancelled');
    const cancel = !this.active || !(t.state === 'queued' || t.state === 'leased');
    if (r.requeue.disabled !== requeue) r.requeue.disabled = requeue;
    if (r.cancel.disabled !== cancel) r.cancel.disabled = cancel;
  }
}
