import { existsSync } from 'node:fs';
import type { BlenderStillSubmitRequest, BlenderSubmitRequest } from '../../api/types.js';
import {
  dependencyLines,
  formatSize,
  totalSize,
  type SceneDependency,
} from '../../renderers/blender/dependencies.js';
import { BlenderWorkerError } from '../../renderers/blender/errors.js';
import { formatTail } from '../../renderers/blender/log-tail.js';
import { probeScene } from '../../renderers/blender/scene-info.js';
import { submitOrPlanHere, type JobPreview, type LocalPreview } from './submit-job.js';

/** A Blender request of either kind. */
type BlenderRequest = BlenderSubmitRequest | BlenderStillSubmitRequest;

type Describe = (plan: JobPreview | LocalPreview) => { json: unknown; lines: string[] };

/** What a dry run adds to any Blender plan: the files the scene reads, and a folder to create. */
function withSceneFiles(describe: Describe, deps: SceneDependency[]): Describe {
  return (plan) => {
    const shown = describe(plan);
    const lines = [...shown.lines];
    const out = plan.job.outputDir;
    if (!existsSync(out))
      lines.splice(1, 0, `  (${out} does not exist yet: the submit creates it)`);
    const at = lines.findIndex((l) => l.startsWith('sbatch '));
    const files = [
      `  files     ${deps.length} the scene reads, ${formatSize(totalSize(deps))}:`,
      ...dependencyLines(deps).map((l) => `    ${l}`),
    ];
    lines.splice(at < 0 ? lines.length : at - 1, 0, ...files);
    return { json: shown.json, lines };
  };
}

/**
 * Probes the scene on the head node, where it is and Blender is (cameras, size, samples, output
 * path, denoising, every file it reads), and sends the request with what it found: the plan
 * checks overrides against it, refuses missing files and files the nodes cannot see, and a
 * denoiser the nodes' Blender lacks (jobs/blender-inputs.ts). The coordinator plans it: it
 * refuses an output another job uses, skips the frames already whole in the output and removes
 * the partial files killed renders left there. `--dry-run` prints its plan with the scene's
 * files, or the same plan made here when no coordinator answers (plan-here.ts).
 */
export async function submitBlender(
  argv: Record<string, unknown>,
  request: BlenderRequest,
  describe: Describe,
): Promise<void> {
  const probe = await probeScene(request.scene).catch((err: unknown) => {
    // The headline names the cause; at a terminal, Blender's last lines come with it.
    if (err instanceof BlenderWorkerError)
      throw new BlenderWorkerError(`${err.message}${formatTail(err.logTail)}`, err);
    throw err;
  });
  await submitOrPlanHere(
    argv,
    { ...request, sceneInfo: probe.scene },
    withSceneFiles(describe, probe.dependencies),
  );
}
