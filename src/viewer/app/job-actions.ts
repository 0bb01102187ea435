// One file, over 8 KB: the job page's controls (cancel, retry, suspend, scale, autoscale, priority)
// share one busy state and one place that shows what the last action said.
import { confirmCancelButton } from './confirm-button.js';
import type { JobDetail, JobSummary, RetryReply, ScaleRequest, TaskView } from '../../api/types.js';
import { autoRequest, formatTarget, targetText } from './auto-policy.js';
import { requeuedText } from './pace-text.js';
import { api, ApiError } from './api.js';
import { button, h, replace } from './dom.js';
import { mayChange, notYours, whoAmI, type Me } from './me.js';
import { priorityControl } from './priority-control.js';
import { scaleNews, type ScaleWatch } from './scale-news.js';
import { suspendControl } from './suspend-control.js';

function active(j: JobSummary): boolean {
  return j.state === 'running' || j.state === 'queued';
}

/** Job controls; `compact` (the jobs list) has cancel only, the job's page has them all. */
export interface JobActions {
  el: HTMLElement;
  update(j: JobSummary): void;
  /** The job as it is now, with its tasks: what a scale request in progress has come to. */
  progress(d: JobDetail, tasks: readonly TaskView[]): void;
  /** The job's autoscaling policy into the boxes (unless being edited), and its target's line. */
  policy(d: JobDetail): void;
  /** Counts the target line on (a running job passes its target between updates). */
  tick(): void;
}

/**
 * Cancel (asks to confirm, on the page: no dialog), retry failed tasks (or resume a cancelled
 * job), scale (-/+ a node, auto on/off with min/max), priority, with a notice line saying what is
 * happening: which Slurm job was asked for and whether its node joined, what a drain waits on.
 */
export function jobActions(
  job: JobSummary,
  opts: { compact?: boolean; onDone?: (d: JobDetail) => void } = {},
): JobActions {
  let current = job;
  let watch: ScaleWatch | null = null;
  const notice = h('div', { class: 'notice', attrs: { 'data-role': 'notice' } });
  const say = (text: string, kind: 'ok' | 'error' | 'muted') => {
    notice.className = `notice ${kind}`;
    replace(notice, text);
  };
  const post = async (route: string, body: unknown = {}) =>
    api<JobDetail>('POST', `/api/jobs/${encodeURIComponent(current.id)}/${route}`, body);
  const failed = (what: string, err: unknown) =>
    say(`${what} failed: ${err instanceof ApiError ? err.message : String(err)}`, 'error');

  // Cancel: the first click arms it, the second (within 5 s) cancels.
  const cancel = confirmCancelButton(
    () =>
      say('Cancel the job? Its queued and running work stops. Click again to confirm.', 'muted'),
    () => {
      say('Cancelling…', 'muted');
      post('cancel').then(
        (d) => {
          const ended = d.progress.cancelled;
          say(
            `Cancelled: ${d.progress.done} done, ${ended} cancelled; its Slurm allocations are being released`,
            'ok',
          );
          opts.onDone?.(d);
        },
        (err) => failed('Cancel', err),
      );
    },
  );

  const retry = button(
    'Retry failed',
    () => {
      say('Requeueing…', 'muted');
      api<RetryReply>('POST', `/api/jobs/${encodeURIComponent(current.id)}/retry`, {}).then(
        (d) => {
          say(`Requeued: ${requeuedText(d)}`, 'ok');
          opts.onDone?.(d);
        },
        (err) => failed('Retry', err),
      );
    },
    { attrs: { 'data-action': 'retry' } },
  );

  const scale = (label: string, body: ScaleRequest) => {
    say(`${label}…`, 'muted');
    watch = { request: body, since: Date.now(), slurmJobId: null, done: false };
    const w = watch;
    post('scale', body).then(
      (d) => {
        w.done = true;
        const news = scaleNews(w, d, []);
        say(news ?? `${label}: done`, 'ok');
        opts.onDone?.(d);
      },
      (err) => {
        w.done = true;
        watch = null;
        failed(label, err);
      },
    );
  };
  // The boxes show the job's policy; one the user typed in keeps what was typed until sent.
  const edited = new Set<HTMLInputElement>();
  const input = (role: string, label: string, attrs: Record<string, string>) => {
    const el = h('input', {
      attrs: { ...attrs, 'aria-label': label, 'data-role': `auto-${role}` },
      on: { input: () => edited.add(el) },
    });
    return el;
  };
  const num = (role: string) =>
    input(role, `auto ${role} nodes`, { type: 'number', min: '1', value: '1' });
  const min = num('min');
  const max = num('max');
  const target = input('target', 'target finish (empty: none)', {
    type: 'text',
    size: '6',
    placeholder: 'none',
    title: 'Finish within this long of submission (3m, 1h30m, 90s); empty: no target',
  });
  const targetLine = h('div', { class: 'notice', attrs: { 'data-role': 'target', hidden: '' } });
  let detail: JobDetail | null = null;
  const showTarget = () => {
    const t = detail ? targetText(detail.auto, current, Date.now()) : null;
    targetLine.hidden = !t;
    if (!t) return;
    targetLine.className = `notice ${t.tone}`;
    if (targetLine.textContent !== t.text) replace(targetLine, t.text);
  };
  const minus = button('− node', () => scale('Releasing one node', { remove: 1 }), {
    title: 'Give back one node (its agents finish their frames first)',
    attrs: { 'data-action': 'scale-remove' },
  });
  const plus = button('+ node', () => scale('Asking Slurm for one more node', { add: 1 }), {
    title: 'Add one node (a new attached Slurm allocation)',
    attrs: { 'data-action': 'scale-add' },
  });
  const autoOn = button(
    'Auto on',
    () => {
      let auto;
      try {
        auto = autoRequest(detail?.auto ?? null, {
          min: min.value,
          max: max.value,
          target: target.value,
        });
      } catch (err) {
        return say((err as Error).message, 'error');
      }
      edited.clear();
      scale(detail?.auto ? 'Changing autoscaling' : 'Turning autoscaling on', { auto });
    },
    {
      title: 'Autoscale between min and max nodes, to finish within the target if one is given',
      attrs: { 'data-action': 'auto-on' },
    },
  );
  const autoOff = button('Auto off', () => scale('Turning autoscaling off', { auto: false }), {
    attrs: { 'data-action': 'auto-off' },
  });
  const priority = priorityControl(job, say, (d) => opts.onDone?.(d));
  const suspend = suspendControl(job, say, (d) => opts.onDone?.(d));
  const controls = opts.compact
    ? [cancel]
    : [
        cancel,
        retry,
        suspend.el,
        h('span', { class: 'group' }, minus, plus),
        h('span', { class: 'group' }, autoOn, 'min', min, 'max', max, 'target', target, autoOff),
        priority.el,
      ];
  const actions = h('div', { class: 'actions' }, ...controls);
  const el = h('div', { class: 'job-actions' }, actions, targetLine, notice);
  // Another user's job: every control is shown disabled, with why, rather than refused on click.
  let me: Me | undefined;
  void whoAmI().then((m) => {
    me = m;
    update(current);
  });
  const update = (j: JobSummary) => {
    current = j;
    priority.update(j);
    suspend.update(j);
    cancel.disabled = !active(j);
    if (!active(j)) cancel.disarm();
    retry.textContent = j.state === 'cancelled' ? 'Resume' : 'Retry failed';
    retry.disabled = j.progress.failed === 0 && j.state !== 'cancelled';
    for (const b of [minus, plus, autoOn, autoOff])
      b.disabled =
        !active(j) ||
        ((b === minus || b === plus) && j.suspendedAt != null) ||
        (j.presentation.scaling === 'service' && b !== minus && b !== plus) ||
        (b === autoOff && !detail?.auto);
    const theirs = !mayChange(me, j);
    actions.title = theirs ? notYours(j) : '';
    actions.toggleAttribute('data-not-yours', theirs);
    if (theirs) {
      for (const c of actions.querySelectorAll<HTMLButtonElement | HTMLInputElement>(
        'button, input',
      ))
        c.disabled = true;
      cancel.disarm();
      if (!opts.compact && !notice.textContent) say(notYours(j), 'muted');
    }
    showTarget();
  };
  update(job);
  return {
    el,
    update,
    progress(d, tasks) {
      if (!watch) return;
      const news = scaleNews(watch, d, tasks);
      if (news) say(news, watch.done ? 'ok' : 'muted');
    },
    policy(d) {
      detail = d;
      const auto = d.auto;
      autoOn.textContent = auto ? 'Auto: apply' : 'Auto on';
      update(current);
      const set = (el: HTMLInputElement, value: string) => {
        if (!edited.has(el) && document.activeElement !== el) el.value = value;
      };
      // No policy: the boxes offer 1 up to the job's size, or 4 if that is more.
      set(min, String(auto?.min ?? 1));
      set(max, String(auto?.max ?? Math.max(4, d.nodes.length)));
      set(target, formatTarget(auto?.targetFinishSeconds));
      showTarget();
    },
    tick: showTarget,
  };
}
