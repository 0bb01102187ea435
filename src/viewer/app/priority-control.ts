import type { JobDetail, JobSummary } from '../../api/types.js';
import { api, ApiError } from './api.js';
import { button, h } from './dom.js';

/** The job page's priority: a number and Set, for a queued or running job. */
export interface PriorityControl {
  el: HTMLElement;
  update(j: JobSummary): void;
}

/**
 * Sets the job's priority (`POST /api/jobs/:id/priority`); `say` tells what came of it. The number
 * follows the job's own until the user edits it.
 */
export function priorityControl(
  job: JobSummary,
  say: (text: string, kind: 'ok' | 'error' | 'muted') => void,
  onDone: (d: JobDetail) => void,
): PriorityControl {
  let current = job;
  let edited = false;
  const input = h('input', {
    attrs: {
      type: 'number',
      value: String(job.priority),
      'aria-label': 'priority',
      'data-role': 'priority-input',
    },
  });
  input.addEventListener('input', () => (edited = true));
  const set = button(
    'Set priority',
    () => {
      // The coordinator checks the number and says what is wrong (the page serves only its own
      // modules, so the API's checks are not at hand here).
      const priority = Number(input.value);
      say('Setting the priority…', 'muted');
      api<JobDetail>('POST', `/api/jobs/${encodeURIComponent(current.id)}/priority`, {
        priority,
      }).then(
        (d) => {
          edited = false;
          const said = [...d.events].reverse().find((e) => e.type === 'job:priority');
          say(said?.message ?? `Priority ${d.priority}`, 'ok');
          onDone(d);
        },
        (err) =>
          say(`Priority failed: ${err instanceof ApiError ? err.message : String(err)}`, 'error'),
      );
    },
    {
      title: 'Higher starts first: allocations still waiting in Slurm are reordered',
      attrs: { 'data-action': 'priority' },
    },
  );
  const update = (j: JobSummary) => {
    current = j;
    if (!edited) input.value = String(j.priority);
    const open = j.state === 'running' || j.state === 'queued';
    input.disabled = !open;
    set.disabled = !open;
  };
  update(job);
  return { el: h('span', { class: 'group' }, 'priority', input, set), update };
}
