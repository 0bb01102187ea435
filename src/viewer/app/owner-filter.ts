import type { JobSummary } from '../../api/types.js';
import { api } from './api.js';
import { h, setText } from './dom.js';

/** Who the page is signed in as (`GET /api/me`). */
interface Me {
  user: string;
  operator: boolean;
}

/**
 * The jobs list's "my jobs / everyone's" choice. Whether a job is the signed-in user's is decided
 * as coordinator/http/job-access.ts `owns` decides it for `GET /api/jobs?show=mine` (a job with no
 * owner is the operator's); the page asks for all jobs and filters here, so that jobs arriving by
 * event are filtered the same way. It starts as `status` does: all for the operator, else mine.
 */
export function ownerFilter() {
  let me: Me | undefined;
  const mine = h('option', { attrs: { value: 'mine' } }, 'my jobs');
  const el = h(
    'select',
    { attrs: { 'aria-label': 'whose jobs', 'data-role': 'job-owner-filter' } },
    mine,
    h('option', { attrs: { value: 'all' } }, "everyone's"),
  );
  return {
    el,
    shows: (j: Pick<JobSummary, 'owner'>): boolean => {
      if (el.value !== 'mine' || me === undefined) return true;
      return j.owner === me.user || (j.owner === null && me.operator);
    },
    load: async (): Promise<void> => {
      // A coordinator from before owners answers 404: every job shows.
      me = await api<Me>('GET', '/api/me').catch(() => undefined);
      if (me) setText(mine, `my jobs (${me.user})`);
      el.value = me && !me.operator ? 'mine' : 'all';
    },
  };
}
