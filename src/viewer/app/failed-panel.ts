import type { FailedTask, ProgressUnit } from '../../api/types.js';
import { button, h, replace } from './dom.js';

/**
 * Failed tasks (frames, for renders), each with its failure's headline, its output's last lines
 * folded under it, and a requeue button.
 */
export function failedPanel(
  onRequeue: (t: FailedTask | null) => Promise<string>,
  onLog: (t: FailedTask) => void,
): { el: HTMLElement; update(unit: ProgressUnit, failed: readonly FailedTask[]): void } {
  const list = h('div', { class: 'failed-list', attrs: { 'data-role': 'failed-frames' } });
  const notice = h('div', { class: 'notice', attrs: { 'data-role': 'requeue-notice' } });
  const title = h('h2', {}, 'Failed');
  const run = async (t: FailedTask | null) => {
    replace(notice, 'Requeueing…');
    notice.className = 'notice muted';
    const msg = await onRequeue(t);
    notice.className = `notice ${msg.startsWith('Requeued') ? 'ok' : 'error'}`;
    replace(notice, msg);
  };
  const el = h('div', { class: 'panel' }, title, list, notice);
  let shown = '';
  return {
    el,
    update(unit, failedTasks) {
      const heading = unit === 'frames' ? 'Failed frames' : 'Failed tasks';
      if (title.textContent !== heading) replace(title, heading);
      // Redrawn only when the failures change, so a click on a button is never lost.
      const key = JSON.stringify(failedTasks.map((t) => [t.taskId, t.error]));
      if (key === shown) return;
      shown = key;
      if (!failedTasks.length) return replace(list, h('p', { class: 'muted' }, 'None.'));
      replace(
        list,
        failedTasks.length > 1
          ? button(`Requeue all ${failedTasks.length}`, () => void run(null), {
              attrs: { 'data-action': 'requeue-all' },
            })
          : null,
        ...failedTasks.slice(0, 200).map((t) =>
          h(
            'div',
            {
              class: 'failed-item',
              attrs: {
                'data-failed-task': t.name,
                ...(t.frames.length === 1 ? { 'data-failed-frame': String(t.frames[0]) } : {}),
              },
            },
            h(
              'div',
              { class: 'actions' },
              h('b', {}, t.frames.length ? t.name.replace(/^f/, 'F') : t.name),
              button('Requeue', () => void run(t), { attrs: { 'data-action': 'requeue' } }),
              button('Log', () => onLog(t), { attrs: { 'data-action': 'failed-log' } }),
            ),
            // The headline once; the output's last lines a click away, never inside it.
            h('div', { class: 'headline', attrs: { 'data-role': 'failure-headline' } }, t.error),
            t.errorTail.length
              ? h(
                  'details',
                  { class: 'tail-fold' },
                  h('summary', { class: 'muted' }, `last ${t.errorTail.length} output lines`),
                  h('pre', { class: 'tail' }, t.errorTail.join('\n')),
                )
              : null,
          ),
        ),
      );
    },
  };
}
