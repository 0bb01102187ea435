import { UsageError } from '../../errors.js';
import { indexGrowScript, indexSessionScript } from '../../renderers/index/script-spec.js';
import { DEFAULT_INDEX_DIR, assertIndexLaunch } from '../../renderers/index/validate.js';
import { findViewerUrl } from '../../renderers/index/viewer-url.js';
import type { RequestOf } from '../../api/types.js';
import { checkCommonFields } from './common-fields.js';
import type { JobType } from './job-type.js';

/** The stage of an IndeX job: a service that lives on its nodes, with no tasks. */
export const SESSION_STAGE = 'session';

/**
 * An NVIDIA IndeX session: the job is a service; its allocation runs the IndeX launcher on every
 * node until cancelled or out of time, and an attached allocation joins the session with
 * `-a<primary job id>`.
 */
export const indexJob: JobType<'index'> = {
  kind: 'index',
  mainStage: SESSION_STAGE,
  progressUnit: 'session',
  // IndeX's nodes run one session together: one allocation, grown by attached ones.
  allocation: 'one',
  panels: ['service'],
  payloads: {},

  plan(req, { limits, files }) {
    const common = checkCommonFields(req, limits);
    if (req.auto)
      throw new UsageError(
        'auto: an IndeX session is scaled by hand (cluster-tool scale JOB --add/--remove)',
      );
    const indexDir = req.indexDir ?? DEFAULT_INDEX_DIR;
    if (!indexDir.startsWith('/'))
      throw new UsageError(`indexDir: ${indexDir} must be an absolute path`);
    const extraArgs = req.extraArgs ?? [];
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
      const spec = job.spec as RequestOf<'index'>;
      const base = { jobName: opts.jobName, nodes: opts.nodes, indexDir: spec.indexDir ?? '' };
      if (opts.attachTo === undefined)
        return indexSessionScript({ ...base, scene: spec.scene, extraArgs: spec.extraArgs });
      return indexGrowScript({ ...base, firstJobId: String(opts.attachTo) });
    },
    readyUrl: findViewerUrl,
  },
};
