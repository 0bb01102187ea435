import type { JobSummary } from '../../api/types.js';
import { api } from './api.js';

/** Who the page is signed in as (`GET /api/me`). */
export interface Me {
  user: string;
  operator: boolean;
}

let known: Me | undefined;

/**
 * Who the page is signed in as, asked once and kept; undefined where the coordinator cannot say
 * (not signed in yet, or one from before owners: it answers 404), and asked again next time.
 */
export async function whoAmI(): Promise<Me | undefined> {
  known ??= await api<Me>('GET', '/api/me').catch(() => undefined);
  return known;
}

/**
 * Whether a job is `me`'s, as coordinator/http/job-access.ts `owns` decides it (a job with no
 * owner is the operator's).
 */
export function owns(me: Me, j: Pick<JobSummary, 'owner'>): boolean {
  return j.owner === me.user || (j.owner === null && me.operator);
}

/**
 * Whether the page may offer to change a job: the operator any, a user their own. The
 * coordinator decides again on each request; this only spares a click that would be refused.
 * Unknown signed-in user: offered, and the coordinator's answer says why not.
 */
export function mayChange(me: Me | undefined, j: Pick<JobSummary, 'owner'>): boolean {
  return me === undefined || me.operator || owns(me, j);
}

/** What the page says on a job the signed-in user may not change. */
export function notYours(j: Pick<JobSummary, 'id' | 'owner'>): string {
  if (j.owner === null)
    return `Job ${j.id} belongs to the operator: only the operator may change it`;
  return `Job ${j.id} belongs to ${j.owner}: only ${j.owner} or the operator may change it`;
}
