import type { UserPrincipal } from '../users/user-directory.js';

/**
 * Who may change a job: its owner, or the operator (the Unix user the coordinator runs as). A job
 * with no owner was submitted before owners were recorded: it is the operator's. Reading is open
 * to every user token (a farm's jobs are everyone's to see); only changes are checked, by auth.ts,
 * on every route that declares `config.changes`.
 */
export function mayChange(p: UserPrincipal, owner: string | null): boolean {
  return p.operator || (owner !== null && owner === p.user);
}

/** Why `p` may not `verb` job `jobId` (owned by `owner`), or undefined when it may. */
export function changeRefusal(
  p: UserPrincipal,
  job: { id: string; owner: string | null },
  verb: string,
  operator: string,
): string | undefined {
  if (mayChange(p, job.owner)) return undefined;
  if (job.owner === null)
    return `job ${job.id} belongs to the operator (${operator}); only the operator may ${verb} it`;
  return `job ${job.id} belongs to ${job.owner}; only ${job.owner} or the operator (${operator}) may ${verb} it`;
}

/**
 * Whom a submission is recorded for: the caller, or (the operator only) the owner it names, as the
 * CLI does for `--cluster`, where the command runs on the head node as the operator on behalf of
 * an AWS identity. A refusal's message, or the owner.
 */
export function submitOwner(
  p: UserPrincipal,
  named: string | undefined,
): { owner: string } | { refused: string } {
  if (named === undefined || named === p.user) return { owner: p.user };
  if (!p.operator)
    return { refused: `only the operator may submit a job for another owner (${named})` };
  return { owner: named };
}

/** Whether `p` owns a job (an operator owns the jobs without an owner too). */
export function owns(p: UserPrincipal, owner: string | null): boolean {
  return owner === p.user || (owner === null && p.operator);
}

/**
 * Which jobs a list shows: `mine` or `all`; unasked, the operator sees all (they run the farm),
 * anyone else their own (`status --all` and the viewer's filter show everyone's).
 */
export function shownJobs<J extends { owner: string | null }>(
  p: UserPrincipal,
  jobs: J[],
  show: 'mine' | 'all' | undefined,
): J[] {
  const mine = (show ?? (p.operator ? 'all' : 'mine')) === 'mine';
  return mine ? jobs.filter((j) => owns(p, j.owner)) : jobs;
}
