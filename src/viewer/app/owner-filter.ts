import type { JobSummary } from '../../api/types.js';
import { h, setText } from './dom.js';
import { owns, whoAmI, type Me } from './me.js';

/**
 * The jobs list's "my jobs / everyone's" choice (whose a job is: me.ts `owns`). The page asks
 * for all jobs and filters here, so that jobs arriving by event are filtered the same way. It starts as `status` does: all for the operator, else mine.
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
      return owns(me, j);
    },
    load: async (): Promise<void> => {
      // A coordinator from before owners cannot say: every job shows.
      me = await whoAmI();
      if (me) setText(mine, `my jobs (${me.user})`);
      el.value = me && !me.operator ? 'mine' : 'all';
    },
  };
}
