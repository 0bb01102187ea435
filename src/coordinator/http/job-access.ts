import { HttpError } from './http-error.js';
import type { UserPrincipal } from '../users/user-directory.js';

/** A request's principal (auth.ts `Principal`), as far as these checks read it. */
type Caller = { kind: 'public' } | UserPrincipal | { kind: 'agent'; jobId: string };

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

/** The user a `user` route was called by (auth.ts set it before the handler). */
export function asUser(p: Caller): UserPrincipal {
  if (p.kind !== 'user') throw new HttpError(403, 'only a user may do this');
  return p;
}

/**
 * Why a route may not be registered as it is declared, or undefined. Every POST on a job changes
 * it unless it says which change (`config.changes`), so a new route cannot forget the owner check.
 */
export function declarationProblem(
  url: string,
  methods: string[],
  access: string,
  changes: string | undefined,
): string | undefined {
  const onJob = url.startsWith('/api/jobs/:id/');
  if (changes === undefined && access === 'user' && methods.includes('POST') && onJob)
    return `route POST ${url} changes a job: declare config.changes (its verb) so only the job's owner or the operator may call it`;
  if (changes !== undefined && (access !== 'user' || !onJob))
    return `route ${url} declares changes but is not a user route on a job`;
  return undefined;
}

/**
 * Why the caller may not call a route that changes job `:id` (`changes`) or is the operator's
 * (`operatorOnly`), or undefined. A job that does not exist passes: the handler answers 404.
 */
export function routeRefusal(
  p: Caller,
  route: { changes?: string; operatorOnly?: boolean },
  params: unknown,
  o: { operator: string; jobOwner?: (jobId: string) => string | null | undefined },
): string | undefined {
  if (route.operatorOnly && !(p.kind === 'user' && p.operator))
    return `only the operator (${o.operator}) may do this: it changes every user's jobs`;
  const verb = route.changes;
  if (verb === undefined) return undefined;
  if (p.kind !== 'user') return `only a user may ${verb} a job`;
  const jobId = (params as { id?: string } | undefined)?.id ?? '';
  const owner = o.jobOwner?.(jobId);
  return owner === undefined ? undefined : changeRefusal(p, { id: jobId, owner }, verb, o.operator);
}
