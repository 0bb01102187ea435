import { UsageError } from '../../errors.js';
import type { ScriptSpec } from '../../templates/spec.js';
import { growSrunArgv, startSrunArgv } from './launch.js';

/** What both IndeX sbatch scripts need. */
export interface IndexScriptBase {
  /** Slurm job name; letters, digits, `_`, `.` and `-` only (sbatch reads it unquoted). */
  jobName: string;
  nodes: number;
  /** The IndeX demo directory holding nvindex-viewer.sh (absolute). */
  indexDir: string;
}

function checkJobName(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(name)) {
    throw new UsageError(`job name ${JSON.stringify(name)}: use letters, digits, _, . and - only`);
  }
}

/**
 * The sbatch script for a new IndeX session: an exclusive allocation of `nodes` that runs
 * `srun -N<nodes> nvindex-slurm -v ./nvindex-viewer.sh --add <scene>` from the index dir.
 */
export function indexSessionScript(
  opts: IndexScriptBase & { scene: string; extraArgs?: readonly string[] },
): ScriptSpec {
  checkJobName(opts.jobName);
  return {
    template: 'slurm/templates/index-session.sbatch.hbs',
    values: {
      jobName: opts.jobName,
      nodes: opts.nodes,
      indexDir: opts.indexDir,
      srunArgv: startSrunArgv({ nodes: opts.nodes, scene: opts.scene, extraArgs: opts.extraArgs }),
    },
  };
}

/**
 * The sbatch script that grows a session: a new exclusive allocation of `nodes` running
 * `srun -N<nodes> nvindex-slurm -a<firstJobId> ./nvindex-viewer.sh`.
 */
export function indexGrowScript(opts: IndexScriptBase & { firstJobId: string }): ScriptSpec {
  checkJobName(opts.jobName);
  return {
    template: 'slurm/templates/index-grow.sbatch.hbs',
    values: {
      jobName: opts.jobName,
      nodes: opts.nodes,
      indexDir: opts.indexDir,
      firstJobId: opts.firstJobId,
      srunArgv: growSrunArgv(opts.nodes, opts.firstJobId),
    },
  };
}
