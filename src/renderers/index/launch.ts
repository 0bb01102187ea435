import { UsageError } from '../../errors.js';

/** The viewer script the IndeX demo directory ships, run by nvindex-slurm on every node. */
export const VIEWER_SCRIPT = './nvindex-viewer.sh';

/** Options for the first allocation of an IndeX session. */
export interface StartOptions {
  nodes: number;
  /** The scene project file (`.prj`), passed with `--add`. */
  scene: string;
  /** More viewer arguments after the scene, e.g. ["-dice::log_timestamp", "yes"]. */
  extraArgs?: readonly string[];
}

function checkNodes(nodes: number): void {
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new UsageError(`--nodes must be a whole number of at least 1, got ${nodes}`);
}

function checkJobId(jobId: string): void {
  if (!/^\d+$/.test(jobId))
    throw new UsageError(`IndeX job id must be a Slurm job number, got ${JSON.stringify(jobId)}`);
}

/**
 * The launcher's own arguments for a new session, as in the recipe:
 * `nvindex-slurm -v ./nvindex-viewer.sh --add <scene.prj>`.
 */
export function startLauncherArgv(opts: StartOptions): string[] {
  return ['nvindex-slurm', '-v', VIEWER_SCRIPT, '--add', opts.scene, ...(opts.extraArgs ?? [])];
}

/** `srun -N<nodes> nvindex-slurm -v ./nvindex-viewer.sh --add <scene.prj>` as an argument array. */
export function startSrunArgv(opts: StartOptions): string[] {
  checkNodes(opts.nodes);
  return ['srun', `-N${opts.nodes}`, ...startLauncherArgv(opts)];
}

/**
 * The launcher's arguments for nodes that join a running session as remote rendering agents:
 * `nvindex-slurm -a<first job id> ./nvindex-viewer.sh`.
 */
export function growLauncherArgv(firstJobId: string): string[] {
  checkJobId(firstJobId);
  return ['nvindex-slurm', `-a${firstJobId}`, VIEWER_SCRIPT];
}

/** `srun -N<nodes> nvindex-slurm -a<first job id> ./nvindex-viewer.sh` as an argument array. */
export function growSrunArgv(nodes: number, firstJobId: string): string[] {
  checkNodes(nodes);
  return ['srun', `-N${nodes}`, ...growLauncherArgv(firstJobId)];
}

/** `scontrol update JobId=<id> NumNodes=<n>`: shrinks an allocation, as in the recipe. */
export function shrinkArgv(jobId: string, nodes: number): string[] {
  checkJobId(jobId);
  checkNodes(nodes);
  return ['scontrol', 'update', `JobId=${jobId}`, `NumNodes=${nodes}`];
}
