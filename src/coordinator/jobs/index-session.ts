import { UsageError } from '../../errors.js';
import { indexGrowScript, indexSessionScript } from '../../renderers/index/script-spec.js';
import { DEFAULT_INDEX_DIR, assertIndexLaunch } from '../../renderers/index/validate.js';
import { findViewerUrl } from '../../renderers/index/viewer-url.js';
import type { OtherSubmitRequest } from '../../api/types.js';
import { checkCommonFields } from './common-fields.js';
import type { JobType } from './job-type.js';

/** The stage of an IndeX job: a service that lives on its nodes, with no tasks. */
export const SESSION_STAGE = 'session';

interface IndexSpec {
  scene?: string;
  indexDir?: string;
  extraArgs?: string[];
}

/**
 * An NVIDIA IndeX session (`kind: 'index'`): `scene` (an absolute .prj path), `indexDir` (the
 * IndeX demo directory, default /opt/nvidia-index/demo), `extraArgs` for the viewer. The job is a
 * service: its allocation runs the IndeX launcher on every node until cancelled or out of time;
 * an attached allocation joins the session with `-a<primary job id>`.
 */
export const indexJob: JobType = {
  kind: 'index',
  mainStage: SESSION_STAGE,
  progressUnit: 'session',
  panels: ['service'],
  payloads: {},

  plan(request, { limits, files }) {
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
    const check = assertIndexLaunch({ scene: req.scene, indexDir }, files);
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
  },

  service: {
    script(job, opts) {
      const spec = job.spec as IndexSpec;
      const base = { jobName: opts.jobName, nodes: opts.nodes, indexDir: spec.indexDir ?? '' };
      if (opts.attachTo === undefined)
        return indexSessionScript({ ...base, scene: spec.scene ?? '', extraArgs: spec.extraArgs });
      return indexGrowScript({ ...base, firstJobId: String(opts.attachTo) });
    },
    readyUrl: findViewerUrl,
  },
};
