import { z } from 'zod';
import {
  blenderDatasetRequest,
  blenderOutputFields,
  blenderRequest,
  blenderStillRequest,
} from './requests/blender.js';
import type { autoScaleSpec, commonFields } from './requests/common.js';
import {
  commandRequest,
  indexRequest,
  openjdRequest,
  plenoxelsRequest,
} from './requests/programs.js';

/**
 * The body of `POST /api/jobs`: one schema per job kind (api/requests/), told apart by `kind`.
 * A schema checks the shape, what TypeScript can say of each field; the kind's planner
 * (coordinator/jobs/<kind>.ts) checks the values against the cluster and the files. Listed in
 * the order a refused kind names them.
 */
const submitRequest = z.discriminatedUnion('kind', [
  blenderRequest,
  blenderStillRequest,
  blenderDatasetRequest,
  plenoxelsRequest,
  commandRequest,
  indexRequest,
  openjdRequest,
]);

/**
 * A request's types, from the schemas: what the CLI builds, what a planner reads, and (with what
 * its plan filled in) what a job keeps as its spec.
 */
export type SubmitRequest = z.infer<typeof submitRequest>;
export type JobKind = SubmitRequest['kind'];
/** The request of each kind of job, by kind. */
type RequestByKind = { [R in SubmitRequest as R['kind']]: R };
/** The request of one kind of job. */
export type RequestOf<K extends JobKind> = RequestByKind[K];
export type BlenderSubmitRequest = RequestOf<'blender'>;
export type BlenderStillSubmitRequest = RequestOf<'blender-still'>;
export type BlenderOutputFields = z.infer<typeof blenderOutputFields>;
export type CommonSubmitFields = z.infer<typeof commonFields>;
export type AutoScaleSpec = z.infer<typeof autoScaleSpec>;
export {
  BLENDER_FRAME_ORDERS,
  type BlenderFrameOrder,
  type BlenderPlanned,
  type BlenderStillPlanned,
} from './requests/blender.js';

const JOB_KINDS: readonly string[] = submitRequest.options.map((o) => o.shape.kind.value);

/**
 * The request a body holds, or what to answer instead: an unknown kind names the kinds, any other
 * refusal reads `field: what is wrong`, as the planners word theirs.
 */
export function readSubmitRequest(
  body: unknown,
): { ok: true; value: SubmitRequest } | { ok: false; error: string } {
  const kind =
    typeof body === 'object' && body !== null ? (body as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string' || !JOB_KINDS.includes(kind))
    return {
      ok: false,
      error: `kind must be one of ${JOB_KINDS.join(', ')} (got ${JSON.stringify(kind)})`,
    };
  const r = submitRequest.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  return { ok: false, error: `${where}: ${issue?.message ?? 'invalid'}` };
}
