import type { JobDetail, TaskLog } from '../../api/types.js';
import { api, ApiError } from './api.js';
import { h, replace, throttle } from './dom.js';
import { isReleaseNoise } from './format.js';

/**
 * The last log lines of the Slurm job output, one agent, or one task (from the agents' logs,
 * attempt by attempt), refreshed at most every 2 s while the job moves. Slurm's lines about the
 * steps it ended when a node was released or the job finished are dimmed: they are expected; those
 * of a release say which (the coordinator marks them).
 */
export function logsPanel(jobId: string): {
  el: HTMLElement;
  update(d: JobDetail): void;
  refresh(): void;
  showTask(taskId: number, name: string): void;
  close(): void;
} {
  const pick = h(
    'select',
    { attrs: { 'aria-label': 'log', 'data-role': 'log-agent' } },
    h('option', { attrs: { value: '' } }, 'Slurm job output'),
  );
  // A task's attempts: all of them (each headed by its number), or one.
  const attemptPick = h(
    'select',
    { attrs: { 'aria-label': 'attempt', 'data-role': 'log-attempt', hidden: '' } },
    h('option', { attrs: { value: '' } }, 'every attempt'),
  );
  const pre = h('pre', { class: 'logs', attrs: { 'data-role': 'logs' } }, '…');
  const known = new Set<string>();
  const tasks = new Set<string>();
  let closed = false;
  let calm = true;
  const show = (lines: string[], released: (string | null)[] = []) => {
    const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    if (!lines.length) replace(pre, '(no lines yet)');
    else
      replace(
        pre,
        ...lines.map((l, i) => {
          const from = released[i];
          // A line a node's release printed says so, dimmed: expected, not a failure.
          if (from)
            return h(
              'span',
              { class: 'noise released', attrs: { 'data-released': from } },
              h('span', { class: 'released-by' }, `[${from}] `),
              `${l}\n`,
            );
          return h('span', { class: calm && isReleaseNoise(l) ? 'noise' : '' }, `${l}\n`);
        }),
      );
    if (atEnd) pre.scrollTop = pre.scrollHeight;
  };
  /** The attempt picker offers the task's attempts; a pick no longer offered falls back to all. */
  const offerAttempts = (numbers: number[]) => {
    const want = ['', ...numbers.map(String)];
    const have = [...attemptPick.options].map((o) => o.value);
    if (want.join() === have.join()) return;
    const chosen = attemptPick.value;
    replace(
      attemptPick,
      ...want.map((n) =>
        h('option', { attrs: { value: n } }, n ? `attempt ${n}` : 'every attempt'),
      ),
    );
    attemptPick.value = want.includes(chosen) ? chosen : '';
  };
  const load = () => {
    if (closed) return;
    const v = pick.value;
    const id = encodeURIComponent(jobId);
    const forTask = v.startsWith('task:');
    attemptPick.hidden = !forTask;
    const attempt = attemptPick.value ? `&attempt=${encodeURIComponent(attemptPick.value)}` : '';
    const req = forTask
      ? api<TaskLog>(
          'GET',
          `/api/jobs/${id}/task/log?id=${encodeURIComponent(v.slice(5))}&tail=400${attempt}`,
        ).then((r) => {
          if (!closed && pick.value === v) offerAttempts(r.attemptNumbers);
          return r;
        })
      : api<{ lines: string[]; released?: (string | null)[] }>(
          'GET',
          `/api/jobs/${id}/logs?${v ? `agent=${encodeURIComponent(v)}&` : ''}tail=300`,
        );
    req
      .then((r) => !closed && show(r.lines, 'released' in r ? r.released : undefined))
      .catch((err: Error) => {
        if (!closed)
          pre.textContent = `Could not read the logs: ${err instanceof ApiError ? err.message : String(err)}`;
      });
  };
  const refresh = throttle(load, 2000);
  pick.addEventListener('change', () => {
    offerAttempts([]);
    load();
  });
  attemptPick.addEventListener('change', load);
  return {
    el: h(
      'div',
      { class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Logs'), pick, attemptPick),
      pre,
    ),
    update(d) {
      calm = d.state !== 'failed';
      for (const a of d.agents) {
        if (known.has(a.id)) continue;
        known.add(a.id);
        pick.append(h('option', { attrs: { value: a.id } }, `${a.node} GPU ${a.gpu} (${a.state})`));
      }
    },
    refresh,
    showTask(taskId, name) {
      const value = `task:${taskId}`;
      if (!tasks.has(value)) {
        tasks.add(value);
        pick.append(h('option', { attrs: { value } }, `task: ${name}`));
      }
      if (pick.value !== value) offerAttempts([]);
      pick.value = value;
      load();
      pre.scrollIntoView({ block: 'nearest' });
    },
    close() {
      closed = true;
      refresh.cancel();
    },
  };
}
