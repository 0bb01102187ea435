import { realpathSync } from 'node:fs';
import path from 'node:path';
import type {
  BlenderStillSubmitRequest,
  BlenderSubmitRequest,
  ClusterView,
  JobDetail,
  JobSummary,
} from '../../api/types.js';
import type { JobDirs, JobPlan, PlanLimits } from '../../coordinator/jobs/job-type.js';
import { planJob } from '../../coordinator/jobs/registry.js';
import { defaultStateDir } from '../../coordinator/state-dir.js';
import { CliError, UsageError } from '../../errors.js';
import { outputConflict, type OtherOutput } from '../../renderers/blender/output-root.js';
import { wholeFrames } from '../../renderers/blender/resume.js';
import { probeScene } from '../../renderers/blender/scene-info.js';
import { SlurmClient } from '../../slurm/client.js';
import { nodeFiles } from '../../util/node-files.js';
import { CoordinatorConnection } from '../connection.js';
import {
  localPreview,
  printPreview,
  submitOrPreview,
  type JobPreview,
  type LocalPreview,
} from './submit-job.js';

/** A Blender request of either kind. */
export type BlenderRequest = BlenderSubmitRequest | BlenderStillSubmitRequest;

/** A request made ready on the head node, and its plan as this machine computed it. */
export interface PreparedBlender {
  req: BlenderRequest;
  plan: JobPlan;
  dirs: JobDirs;
  /** Said to the user before submitting (frames found broken, checks skipped). */
  notes: string[];
}

const ACTIVE = new Set(['queued', 'running']);

/** Every Blender job's output root, as the coordinator has them. */
async function otherOutputs(conn: CoordinatorConnection): Promise<OtherOutput[]> {
  const jobs = await conn.request<JobSummary[]>('GET', '/api/jobs');
  const blender = jobs.filter((j) => j.kind === 'blender' || j.kind === 'blender-still');
  const details = await Promise.all(
    blender.map((j) => conn.request<JobDetail>('GET', `/api/jobs/${j.id}`)),
  );
  return details.map((d) => ({
    jobId: d.id,
    root: real(d.outputDir),
    active: ACTIVE.has(d.state),
  }));
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The partition's shape for a dry run: `--nodes-available`, else what the coordinator sees of
 * its partition when one answers, else what `sinfo` says.
 */
async function dryRunLimits(
  argv: Record<string, unknown>,
  conn: CoordinatorConnection | undefined,
): Promise<PlanLimits> {
  const given = argv['nodes-available'] as number | undefined;
  const gpus = argv['gpus-per-node'] as number | undefined;
  if (given !== undefined) return { partitionNodes: given, maxGpusPerNode: gpus ?? 1 };
  const seen = conn
    ? await conn.request<ClusterView>('GET', '/api/cluster').then(
        (c) => c.nodes,
        () => undefined,
      )
    : undefined;
  let nodes: { gpus: number }[];
  if (seen) nodes = seen;
  else {
    try {
      const partition = argv.partition as string | undefined;
      nodes = (await new SlurmClient().nodes()).filter(
        (n) => !partition || n.partitions.includes(partition),
      );
    } catch (err) {
      throw new UsageError(
        `--dry-run could not read the partition from Slurm (${(err as Error).message}); ` +
          'give --nodes-available N (and --gpus-per-node)',
      );
    }
  }
  return {
    partitionNodes: nodes.length,
    maxGpusPerNode: Math.max(1, ...nodes.map((n) => n.gpus)),
  };
}

/**
 * Gets a Blender request ready on the head node, where the scene and the output are: probes the
 * scene (cameras, size, samples, output path) for the plan to check overrides against, refuses
 * an output another job is using, plans it here to catch bad input before anything is sent,
 * and finds the frames already whole in the output (`present`), so that they are skipped.
 * A dry run asks no coordinator (checking other jobs' outputs only when one answers) and
 * changes no file; otherwise partial files killed renders left beside the frames are removed.
 */
export async function prepareBlender(
  argv: Record<string, unknown>,
  request: BlenderRequest,
): Promise<PreparedBlender> {
  const dryRun = Boolean(argv['dry-run']);
  const notes: string[] = [];
  const probe = await probeScene(request.scene);
  if (probe.denoisingWasOn.length)
    notes.push(
      `the scene has denoising on (${probe.denoisingWasOn.join(', ')}); this Blender has no ` +
        'OpenImageDenoiser, so frames render without it',
    );
  const req: BlenderRequest = { ...request, sceneInfo: probe.scene };
  let conn: CoordinatorConnection | undefined;
  try {
    conn = CoordinatorConnection.fromArgs(argv);
  } catch (err) {
    if (!dryRun || !(err instanceof CliError)) throw err;
  }
  let checked = false;
  if (req.outputDir) {
    const others = conn ? await otherOutputs(conn).catch(() => undefined) : undefined;
    if (others) {
      const conflict = outputConflict(real(req.outputDir), others);
      if (conflict) throw new UsageError(`output: ${conflict}`);
      checked = true;
    } else if (!dryRun) throw new CliError('could not list the jobs to check --output against');
    else
      notes.push("no coordinator answered: --output was not checked against other jobs' outputs");
  }
  const stateDir = (argv['state-dir'] as string | undefined) ?? defaultStateDir();
  const dir = path.join(stateDir, 'jobs', 'next');
  const dirs: JobDirs = { id: 'next', dir, outputDir: path.join(dir, 'output') };
  // Submitting: the coordinator checks the partition; here any shape the request names passes.
  const limits = dryRun
    ? await dryRunLimits(argv, conn)
    : {
        partitionNodes: Math.max(1, req.nodes, req.auto?.max ?? 1),
        maxGpusPerNode: Math.max(1, req.gpusPerNode ?? 1),
      };
  const plan = (r: BlenderRequest) => planJob(r, { limits, dirs, files: nodeFiles });
  let planned = plan(req);
  if (req.kind === 'blender' && req.outputDir && !req.overwrite) {
    const p = (planned.request as BlenderSubmitRequest).planned;
    if (p) {
      const frameOf = new Map(
        Object.entries(p.files).map(([frame, f]) => [f.replace(/^output\//, ''), Number(frame)]),
      );
      const scan = await wholeFrames(
        planned.outputDir ?? req.outputDir,
        [...frameOf.keys()],
        p.format,
        {
          size: p.resolution ?? undefined,
          removePartials: !dryRun && checked,
        },
      );
      req.present = scan.whole.flatMap((n) => frameOf.get(n) ?? []);
      for (const b of scan.broken) notes.push(`${b.name} ${b.reason}: rendering it again`);
      if (scan.partials.length && !dryRun && checked)
        notes.push(`removed ${scan.partials.length} partial file(s) killed renders left`);
      planned = plan(req);
    }
  }
  return { req, plan: planned, dirs, notes };
}

/**
 * Prepares a Blender request (see {@link prepareBlender}), then prints the plan made here
 * (`--dry-run`: nothing is submitted or written) or submits it.
 */
export async function submitBlender(
  argv: Record<string, unknown>,
  request: BlenderRequest,
  describe: (plan: JobPreview | LocalPreview) => { json: unknown; lines: string[] },
): Promise<void> {
  const prepared = await prepareBlender(argv, request);
  for (const n of prepared.notes) process.stderr.write(`note: ${n}\n`);
  if (argv['dry-run'])
    return printPreview(argv, localPreview(prepared.plan, prepared.dirs), describe);
  await submitOrPreview(argv, prepared.req, describe);
}
