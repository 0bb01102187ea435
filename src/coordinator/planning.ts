import path from 'node:path';
import { UsageError } from '../errors.js';
import { readSubmitRequest } from '../api/submit.js';
import type { SubmitRequest } from '../api/types.js';
import type { FrameScan, WholeFramesOptions } from '../renderers/blender/resume.js';
import type { ImageFormat } from '../renderers/blender/formats.js';
import { outputConflict, type OtherOutput } from '../renderers/blender/output-root.js';
import type { FileProbe } from '../util/file-probe.js';
import type { JobDirs, JobPlan, PlanContext, PlanEvent } from './jobs/job-type.js';
import { jobTypeOf, planJob } from './jobs/registry.js';
import type { JobRow } from './store/types.js';

/**
 * The plan of a request, made by the same code for a submission, the coordinator's preview and a
 * `--dry-run` with no coordinator: the request's shape is checked (`submitted`), an output another
 * job uses is refused, the frames already whole in the output are found (the resume scan), the
 * job type plans the rest, and every task's payload is checked against what its runner takes.
 */

/** The request a submitted body holds, its shape checked (api/submit.ts); else a UsageError. */
export function submitted(body: unknown): SubmitRequest {
  const r = readSubmitRequest(body);
  if (!r.ok) throw new UsageError(r.error);
  return r.value;
}

/** Reads which frame files are there and whole (renderers/blender/resume.ts `wholeFrames`). */
export type FrameScanner = (
  dir: string,
  names: readonly string[],
  format: ImageFormat,
  opts: WholeFramesOptions,
) => Promise<FrameScan>;

/** What planning a request reads besides it. */
export interface PlanInput extends Omit<PlanContext, 'whole'> {
  /** Every other Blender job's output root; undefined where unknown (then not checked). */
  others?: readonly OtherOutput[];
}

/** What the resume scan found: the frames to skip, and what it saw and did, for the history. */
interface Resume {
  whole: number[];
  events: PlanEvent[];
}

const NOTHING_TO_RESUME: Resume = { whole: [], events: [] };

/** The kinds whose `outputDir` is the user's own folder (`--output`). */
const OUTPUT_KINDS = new Set<string>(['blender', 'blender-still']);
const ACTIVE = new Set<string>(['queued', 'running']);

/** With links followed, so that a link into another job's output is seen for what it is. */
function real(p: string, files: FileProbe): string {
  try {
    return files.realPath?.(p) ?? path.resolve(p);
  } catch {
    return path.resolve(p);
  }
}

/** The output roots of the stored jobs that write into a folder of the user's. */
export function otherOutputs(
  jobs: readonly Pick<JobRow, 'id' | 'kind' | 'state' | 'outputDir'>[],
  files: FileProbe,
): OtherOutput[] {
  return jobs
    .filter((j) => OUTPUT_KINDS.has(j.kind))
    .map((j) => ({ jobId: j.id, root: real(j.outputDir, files), active: ACTIVE.has(j.state) }));
}

/** Refuses an `--output` that another job uses (see output-root.ts `outputConflict`). */
function checkOutput(req: SubmitRequest, input: PlanInput): void {
  const dir = 'outputDir' in req ? req.outputDir : undefined;
  if (!input.others || dir === undefined || !path.isAbsolute(dir)) return;
  const conflict = outputConflict(real(dir, input.files), input.others);
  if (conflict) throw new UsageError(`output: ${conflict}`);
}

/**
 * Every planned task carries the payload its kind's runner expects: the planner and the runner
 * meet at the job type's schemas, checked here on the way in and by the runner on the way out.
 */
function checkPayloads(plan: JobPlan): void {
  const schemas = jobTypeOf(plan.kind).payloads;
  for (const t of plan.tasks) {
    const schema = schemas[t.kind];
    if (!schema)
      throw new Error(
        `job type ${plan.kind} plans ${t.kind} tasks but declares no payload for them`,
      );
    const r = schema.safeParse(t.payload);
    if (!r.success)
      throw new Error(
        `job type ${plan.kind} planned a ${t.kind} payload its runner would refuse: ${r.error.message}`,
      );
  }
}

/** What the scan saw that the user should hear of: files not whole, partial files removed. */
function scanEvents(found: FrameScan, removed: boolean): PlanEvent[] {
  const events: PlanEvent[] = [];
  const broken = found.broken;
  if (broken.length)
    events.push({
      type: 'render:not-whole',
      message:
        broken.length === 1
          ? `${broken[0]?.name} ${broken[0]?.reason}: rendering it again`
          : `${broken.length} frame files not whole, rendering them again: ` +
            broken.map((b) => `${b.name} ${b.reason}`).join('; '),
      data: { files: broken },
    });
  if (removed && found.partials.length)
    events.push({
      type: 'render:partials-removed',
      message: `removed ${found.partials.length} partial file(s) killed renders left`,
      data: { files: found.partials },
    });
  return events;
}

/**
 * The resume scan: which frames of a Blender render are already whole in its `--output` (at the
 * size the job renders), so they are not rendered again. Reads files, so it runs before the
 * submission's transaction; it is about the user's files, not about the job's number. The
 * output is checked against the other jobs first, and only then are `.partial-*` files killed
 * renders left removed (`removePartials`: a submission, never a preview), so no other job's
 * folders are tidied.
 */
export async function resumeScan(
  req: SubmitRequest,
  input: PlanInput,
  scan: FrameScanner,
  removePartials: boolean,
): Promise<Resume> {
  if (req.kind !== 'blender' || !req.outputDir || req.overwrite) return NOTHING_TO_RESUME;
  checkOutput(req, input);
  const first = planJob(req, input);
  const p = first.request.kind === 'blender' ? first.request.planned : undefined;
  if (!p) return NOTHING_TO_RESUME;
  const frameOf = new Map(
    Object.entries(p.files).map(([frame, f]) => [f.replace(/^output\//, ''), Number(frame)]),
  );
  const found = await scan(first.outputDir ?? req.outputDir, [...frameOf.keys()], p.format, {
    size: p.resolution ?? undefined,
    removePartials,
  });
  return {
    whole: found.whole.flatMap((n) => frameOf.get(n) ?? []),
    events: scanEvents(found, removePartials),
  };
}

/**
 * Plans a request: synchronous, so that a submission makes it inside the transaction that takes
 * the job's number, where the other jobs' outputs it checks against cannot change meanwhile.
 */
export function planRequest(
  req: SubmitRequest,
  input: PlanInput,
  resume: Resume = NOTHING_TO_RESUME,
): JobPlan {
  checkOutput(req, input);
  const { limits, dirs, files, queueEnvironments } = input;
  const plan = planJob(req, {
    limits,
    dirs,
    files,
    whole: resume.whole,
    ...(queueEnvironments ? { queueEnvironments } : {}),
  });
  checkPayloads(plan);
  if (!resume.events.length) return plan;
  return { ...plan, events: [...(plan.events ?? []), ...resume.events] };
}

/** The plan a dry run shows: the resume scan (removing nothing), then the plan. */
export async function previewPlan(
  req: SubmitRequest,
  input: PlanInput,
  scan: FrameScanner,
): Promise<JobPlan> {
  return planRequest(req, input, await resumeScan(req, input, scan, false));
}

/** A plan as `--dry-run` shows it, for the job `job` would be (without its sbatch script). */
export function previewOf(plan: JobPlan, job: { id: string; dir: string; outputDir: string }) {
  return {
    job: {
      id: job.id,
      name: plan.name,
      nodes: plan.nodes,
      gpusPerNode: plan.gpusPerNode,
      dir: job.dir,
      outputDir: plan.outputDir ?? job.outputDir,
    },
    summary: plan.summary,
    tasks: plan.tasks.map((t) => ({
      stage: t.stage,
      kind: t.kind,
      frames: t.frames,
      payload: t.payload,
    })),
    warnings: plan.warnings ?? [],
    events: plan.events ?? [],
    spec: plan.request,
  };
}

/** Where job `id` keeps its files: its directory under the state directory's `jobs/`. */
export function jobDirs(stateDir: string, id: string): JobDirs {
  const dir = path.join(stateDir, 'jobs', id);
  return { id, dir, outputDir: path.join(dir, 'output') };
}
