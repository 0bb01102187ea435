import { confirmCancelButton } from './confirm-button.js';
import type { JobDetail, JobSummary } from '../../api/types.js';
import { api, ApiError } from './api.js';
import { button, h, replace } from './dom.js';
import { suspendRequest } from './suspend-control.js';

/** What one of the farm page's actions asks of each selected job. */
type PerJob = (j: JobSummary) => Promise<unknown>;

const post = (j: JobSummary, route: string, body: unknown = {}) =>
  api<JobDetail>('POST', `/api/jobs/${encodeURIComponent(j.id)}/${route}`, body);

/** One line for what came of an action over several jobs: `Suspend: j3, j4 done; j5: why`. */
export function outcomeText(
  what: string,
  results: readonly { id: string; error: string | null }[],
): string {
  const ok = results.filter((r) => r.error === null).map((r) => r.id);
  const bad = results.filter((r) => r.error !== null).map((r) => `${r.id}: ${r.error}`);
  return [`${what}: ${ok.length ? `${ok.join(', ')} done` : 'none done'}`, ...bad].join('; ');
}

/**
 * The farm page's actions on the selected jobs: requeue failed tasks, suspend, resume, cancel
 * (asks to confirm), set a priority. One request per job through the job's own route, so each
 * is checked and recorded as if it came from the job's page.
 */
export function farmActions(selected: () => JobSummary[], reload: () => void): HTMLElement {
  const notice = h('div', { class: 'notice', attrs: { 'data-role': 'farm-notice' } });
  const say = (text: string, kind: 'ok' | 'error' | 'muted') => {
    notice.className = `notice ${kind}`;
    replace(notice, text);
  };
  const run = async (what: string, fn: PerJob, only?: (j: JobSummary) => boolean) => {
    const jobs = selected().filter((j) => only?.(j) ?? true);
    if (!jobs.length) return say(`${what}: select a job it applies to first`, 'error');
    say(`${what}…`, 'muted');
    const results = await Promise.all(
      jobs.map((j) =>
        fn(j).then(
          () => ({ id: j.id, error: null }),
          (err: unknown) => ({
            id: j.id,
            error: err instanceof ApiError ? err.message : String(err),
          }),
        ),
      ),
    );
    say(outcomeText(what, results), results.some((r) => r.error) ? 'error' : 'ok');
    reload();
  };
  const act = (label: string, action: string, fn: () => void, title: string) =>
    button(label, fn, { title, attrs: { 'data-action': action } });

  const requeue = act(
    'Requeue failed',
    'requeue',
    () => void run('Requeue', (j) => post(j, 'retry')),
    'Queue the failed tasks of each selected job again',
  );
  const suspend = act(
    'Suspend',
    'suspend',
    () => void run('Suspend', suspendRequest, (j) => j.suspendedAt == null),
    'Running tasks finish, no new ones start; the nodes go back after a grace',
  );
  const resume = act(
    'Resume',
    'resume',
    () => void run('Resume', suspendRequest, (j) => j.suspendedAt != null),
    'Lease the tasks again and ask Slurm for the nodes again',
  );
  const cancel = confirmCancelButton(
    () => say(`Cancel ${selected().length} job(s)? Click again to confirm.`, 'muted'),
    () => void run('Cancel', (j) => post(j, 'cancel')),
  );
  const input = h('input', {
    attrs: { type: 'number', value: '50', 'aria-label': 'priority', 'data-role': 'farm-priority' },
  });
  const setPriority = act(
    'Set priority',
    'priority',
    () => {
      const priority = Number(input.value);
      void run(`Priority ${priority}`, (j) => post(j, 'priority', { priority }));
    },
    'Higher starts first: allocations still waiting in Slurm are reordered',
  );
  return h(
    'div',
    { class: 'farm-actions' },
    h(
      'div',
      { class: 'actions' },
      requeue,
      suspend,
      resume,
      cancel,
      h('span', { class: 'group' }, 'priority', input, setPriority),
    ),
    notice,
  );
}
