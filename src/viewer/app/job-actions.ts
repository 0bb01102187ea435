import type { JobDetail, JobSummary, ScaleRequest } from '../../coordinator/api-types.js';
import { api, ApiError } from './api.js';
import { button, h, replace } from './dom.js';

function active(j: JobSummary): boolean {
  return j.state === 'running' || j.state === 'queued';
}

/**
 * Cancel, retry failed frames, scale (-/+ a node, auto on/off with min/max) for one job, with a
 * notice line that shows what the coordinator answered (errors included, e.g. scaling not there yet).
 */
export function jobActions(
  job: JobSummary,
  onDone?: (d: JobDetail) => void,
): { el: HTMLElement; update(j: JobSummary): void } {
  const notice = h('div', { class: 'notice', attrs: { 'data-role': 'notice' } });
  const say = (text: string, ok: boolean) => {
    notice.className = `notice ${ok ? 'ok' : 'error'}`;
    replace(notice, text);
  };
  const call = async (what: string, route: string, body?: unknown) => {
    replace(notice, `${what}…`);
    notice.className = 'notice muted';
    try {
      const d = await api<JobDetail>(
        'POST',
        `/api/jobs/${encodeURIComponent(current.id)}/${route}`,
        body ?? {},
      );
      say(`${what}: done (${d.state}, ${d.nodes.length} node(s) in use)`, true);
      onDone?.(d);
    } catch (err) {
      say(`${what} failed: ${err instanceof ApiError ? err.message : String(err)}`, false);
    }
  };
  let current = job;
  const scale = (label: string, body: ScaleRequest) => call(label, 'scale', body);
  const min = h('input', {
    attrs: {
      type: 'number',
      min: '1',
      value: '1',
      'aria-label': 'auto min nodes',
      'data-role': 'auto-min',
    },
  });
  const max = h('input', {
    attrs: {
      type: 'number',
      min: '1',
      value: '4',
      'aria-label': 'auto max nodes',
      'data-role': 'auto-max',
    },
  });
  const cancel = button('Cancel', () => void call('Cancel', 'cancel'), {
    class: 'danger',
    attrs: { 'data-action': 'cancel' },
  });
  const retry = button('Retry failed', () => void call('Retry failed frames', 'retry'), {
    attrs: { 'data-action': 'retry' },
  });
  const minus = button('− node', () => void scale('Scale −1 node', { remove: 1 }), {
    title: 'Release one node',
    attrs: { 'data-action': 'scale-remove' },
  });
  const plus = button('+ node', () => void scale('Scale +1 node', { add: 1 }), {
    title: 'Add one node',
    attrs: { 'data-action': 'scale-add' },
  });
  const autoOn = button(
    'Auto on',
    () =>
      void scale('Auto scaling on', { auto: { min: Number(min.value), max: Number(max.value) } }),
    { attrs: { 'data-action': 'auto-on' } },
  );
  const autoOff = button('Auto off', () => void scale('Auto scaling off', { auto: false }), {
    attrs: { 'data-action': 'auto-off' },
  });
  const el = h(
    'div',
    {},
    h(
      'div',
      { class: 'actions' },
      cancel,
      retry,
      h('span', { class: 'group' }, minus, plus),
      h('span', { class: 'group' }, autoOn, 'min', min, 'max', max, autoOff),
    ),
    notice,
  );
  const update = (j: JobSummary) => {
    current = j;
    cancel.disabled = !active(j);
    retry.disabled = j.progress.failed === 0 && j.state !== 'failed' && j.state !== 'cancelled';
    for (const b of [minus, plus, autoOn, autoOff]) b.disabled = !active(j);
  };
  update(job);
  return { el, update };
}
