import { UsageError } from '../../errors.js';
import { assertIndexLaunch, DEFAULT_INDEX_DIR } from '../../renderers/index/index.js';
import type { OtherSubmitRequest, SubmitRequest } from '../api-types.js';
import { checkCommonFields } from './common-fields.js';
import type { JobDirs, JobPlan, PlanLimits } from './plan.js';

/** The stage of an IndeX job: a service that lives on its nodes, with no tasks. */
export const SESSION_STAGE = 'session';

/**
 * An NVIDIA IndeX session (`kind: 'index'`): `scene` (an absolute .prj path), `indexDir` (the
 * IndeX demo directory, default /opt/nvidia-index/demo), `extraArgs` for the viewer. The job is a
 * service: its allocation runs the IndeX launcher on every node until cancelled or out of time.
 */
export function planIndexJob(request: SubmitRequest, limits: PlanLimits, _dirs: JobDirs): JobPlan {
  const req = request as OtherSubmitRequest;
  const common = checkCommonFields(req, limits);
  if (req.auto)
    throw new UsageError(
      'auto: an IndeX session is scaled by hand (cluster-tool scale JOB --add/--remove)',
    );
  if (typeof req.scene !== 'string' || !req.scene.startsWith('/'))
    throw new UsageError('scene: give the absolute path of a .prj file');
  const indexDir = typeof req.indexDir === 'string' ? req.indexDir : DEFAULT_INDEX_DIR;
  if (!indexDir.startsWith('/'))
    throw new UsageError(`indexDir: ${indexDir} must be an absolute path`);
  const extraArgs = req.extraArgs === undefined ? [] : req.extraArgs;
  if (!Array.isArray(extraArgs) || !extraArgs.every((a) => typeof a === 'string'))
    throw new UsageError('extraArgs: a list of strings');
  const check = assertIndexLaunch({ scene: req.scene, indexDir });
  return {
    kind: 'index',
    name: common.name ?? req.scene.split('/').pop() ?? 'index',
    request: {
      ...req,
      kind: 'index',
      scene: req.scene,
      indexDir,
      extraArgs,
      nodes: common.nodes,
      gpusPerNode: common.gpusPerNode,
      timeLimitMinutes: common.timeLimitMinutes,
    },
    nodes: common.nodes,
    gpusPerNode: common.gpusPerNode,
    stages: [{ name: SESSION_STAGE, seq: 0, state: 'ready' }],
    tasks: [],
    summary: `IndeX session of ${req.scene} on ${common.nodes} node(s)`,
    warnings: check.warnings,
  };
}
