import type { JobDetail, JobSummary } from '../../api/types.js';
import { api, ApiError } from './api.js';
import { button } from './dom.js';

/** Suspends a running job or resumes a suspended one (`POST /api/jobs/:id/suspend|resume`). */
export function suspendRequest(job: Pick<JobSummary, 'id' | 'suspendedAt'>): Promise<JobDetail> {
  const verb = job.suspendedAt != null ? 'resume' : 'suspend';
  return api<JobDetail>('POST', `/api/jobs/${encodeURIComponent(job.id)}/${verb}`, {});
}

/** What the coordinator said of the latest suspend or resume. */
export function suspendNews(d: JobDetail): string {
  const said = [...d.events]
    .reverse()
    .find((e) => e.type === 'job:suspended' || e.type === 'job:resumed');
  return said?.message ?? (d.suspendedAt != null ? 'Suspended' : 'Resumed');
}

/** The job page's Suspend / Resume button; `say` tells what came of it. */
export function suspendControl(
  job: JobSummary,
  say: (text: string, kind: 'ok' | 'error' | 'muted') => void,
  onDone: (d: JobDetail) => void,
): { el: HTMLButtonElement; update(j: JobSummary): void } {
  let current = job;
  const el = button(
    'Suspend',
    () => {
      say(current.suspendedAt != null ? 'Resuming…' : 'Suspending…', 'muted');
      suspendRequest(current).then(
        (d) => {
          say(suspendNews(d), 'ok');
          onDone(d);
        },
        (err) => say(err instanceof ApiError ? err.message : String(err), 'error'),
      );
    },
    {
      title: 'Suspend: running tasks finish, no new ones start, its nodes go back after a grace',
      attrs: { 'data-action': 'suspend' },
    },
  );
  const update = (j: JobSummary) => {
    current = j;
    const suspended = j.suspendedAt != null;
    el.textContent = suspended ? 'Resume' : 'Suspend';
    el.setAttribute('data-action', suspended ? 'resume' : 'suspend');
    el.disabled =
      (j.state !== 'running' && j.state !== 'queued') || j.presentation.scaling === 'service';
  };
  update(job);
  return { el, update };
}
