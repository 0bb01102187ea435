import type { SubmitRequest } from '../../api/types.js';
import type { JobDirs, JobPlan, PlanLimits } from '../../coordinator/jobs/job-type.js';
import { jobDirs, previewPlan, submitted } from '../../coordinator/planning.js';
import { defaultStateDir } from '../../coordinator/state-dir.js';
import { UsageError } from '../../errors.js';
import { wholeFrames } from '../../renderers/blender/resume.js';
import { SlurmClient } from '../../slurm/client.js';
import { nodeFiles } from '../../util/node-files.js';

/** A plan made on this machine, for the job directory the next job would get, and its notes. */
interface PlannedHere {
  plan: JobPlan;
  dirs: JobDirs;
  notes: string[];
}

/**
 * The partition's shape for a dry run made here: `--nodes-available` (and `--gpus-per-node`),
 * else what `sinfo` says of `--partition`.
 */
async function partitionLimits(argv: Record<string, unknown>): Promise<PlanLimits> {
  const given = argv['nodes-available'] as number | undefined;
  const gpus = argv['gpus-per-node'] as number | undefined;
  if (given !== undefined) return { partitionNodes: given, maxGpusPerNode: gpus ?? 1 };
  let nodes: { gpus: number }[];
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
  return {
    partitionNodes: nodes.length,
    maxGpusPerNode: Math.max(1, ...nodes.map((n) => n.gpus)),
    nodeGpus: Math.max(0, ...nodes.map((n) => n.gpus)),
  };
}

/**
 * `--dry-run` where no coordinator answers: the coordinator's own planning (planning.ts, the
 * resume scan included, removing nothing) run in this process on this machine's files. The
 * other jobs are the coordinator's to know, so an `--output` is not checked against theirs;
 * a note says so.
 */
export async function planHere(
  argv: Record<string, unknown>,
  req: SubmitRequest,
): Promise<PlannedHere> {
  const stateDir = (argv['state-dir'] as string | undefined) ?? defaultStateDir();
  const dirs = jobDirs(stateDir, 'next');
  const limits = await partitionLimits(argv);
  const plan = await previewPlan(submitted(req), { limits, dirs, files: nodeFiles }, wholeFrames);
  const notes =
    'outputDir' in req && req.outputDir
      ? ["no coordinator answered: --output was not checked against other jobs' outputs"]
      : [];
  return { plan, dirs, notes };
}
