import type { BlenderStillSubmitRequest, BlenderSubmitRequest } from '../../api/types.js';
import { BlenderWorkerError } from '../../renderers/blender/errors.js';
import { formatTail } from '../../renderers/blender/log-tail.js';
import { probeScene } from '../../renderers/blender/scene-info.js';
import { submitOrPlanHere, type JobPreview, type LocalPreview } from './submit-job.js';

/** A Blender request of either kind. */
type BlenderRequest = BlenderSubmitRequest | BlenderStillSubmitRequest;

/**
 * Probes the scene on the head node, where it is and Blender is (cameras, size, samples, output
 * path), and sends the request with what it found for the plan to check overrides against.
 * The coordinator plans it: it refuses an output another job uses, skips the frames already
 * whole in the output and removes the partial files killed renders left there. `--dry-run`
 * prints its plan, or the same plan made here when no coordinator answers (plan-here.ts).
 */
export async function submitBlender(
  argv: Record<string, unknown>,
  request: BlenderRequest,
  describe: (plan: JobPreview | LocalPreview) => { json: unknown; lines: string[] },
): Promise<void> {
  const probe = await probeScene(request.scene).catch((err: unknown) => {
    // The headline names the cause; at a terminal, Blender's last lines come with it.
    if (err instanceof BlenderWorkerError)
      throw new BlenderWorkerError(`${err.message}${formatTail(err.logTail)}`, err);
    throw err;
  });
  if (probe.denoisingWasOn.length)
    process.stderr.write(
      `note: the scene has denoising on (${probe.denoisingWasOn.join(', ')}); this Blender has ` +
        'no OpenImageDenoiser, so frames render without it\n',
    );
  await submitOrPlanHere(argv, { ...request, sceneInfo: probe.scene }, describe);
}
