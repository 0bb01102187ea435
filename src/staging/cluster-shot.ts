import { UsageError } from '../errors.js';
import { s3Client } from '../aws/clients.js';
import { checkMissing } from '../coordinator/jobs/blender-inputs.js';
import { formatSize } from '../renderers/blender/dependencies.js';
import { BlenderWorkerError } from '../renderers/blender/errors.js';
import { formatTail } from '../renderers/blender/log-tail.js';
import { probeScene } from '../renderers/blender/scene-info.js';
import { HashCache } from './hash-cache.js';
import { stageShot, type StagedShot } from './stage-shot.js';

/**
 * `submit ... --cluster` from a laptop: this machine's Blender lists every file the scene reads
 * (as `deps` does), a missing one is refused here before anything is sent (unless
 * `--allow-missing`), and the scene goes up with its files, by content. Returns the manifest's
 * URI, which the head node is given in place of the scene (cli/inputs.ts unpacks it).
 */
export async function stageSceneForCluster(
  scene: string,
  bucket: string,
  argv: Record<string, unknown>,
): Promise<StagedShot> {
  const probe = await probeScene(scene).catch((err: unknown) => {
    if (err instanceof BlenderWorkerError)
      throw new BlenderWorkerError(`${err.message}${formatTail(err.logTail)}`, err);
    throw err;
  });
  try {
    for (const w of checkMissing(probe.dependencies, argv['allow-missing'] === true))
      process.stderr.write(`· ${w}\n`);
  } catch (err) {
    if (err instanceof UsageError)
      throw new UsageError(`${scene}: nothing was sent: ${err.message}`);
    throw err;
  }
  const s3 = s3Client({ region: argv.region as string | undefined });
  try {
    const staged = await stageShot(s3, bucket, scene, probe.dependencies, {
      cache: HashCache.open(),
    });
    process.stderr.write(
      `· staged ${staged.files} file(s), ${formatSize(staged.bytes)}: sent ${staged.sent.files} ` +
        `(${formatSize(staged.sent.bytes)}), the bucket held the rest; hashed ${staged.hashed}, ` +
        `the rest unchanged since hashed → ${staged.uri}\n`,
    );
    return staged;
  } finally {
    s3.destroy();
  }
}
