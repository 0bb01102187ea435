import path from 'node:path';
import { s3Client } from '../aws/clients.js';
import { MANIFESTS_PREFIX } from '../aws/layout.js';
import { fetchInput, parseS3Uri } from '../aws/s3-input.js';
import { unpackShot } from '../staging/unpack-shot.js';
import { defaultStateDir } from '../coordinator/state-dir.js';

/**
 * A file argument as a path on this machine. An `s3://` URI (what `--cluster` staged, or what a
 * user staged with `cluster-tool stage`) is fetched into `<state dir>/inputs/`, which on a
 * ParallelCluster head node is on the shared file system the compute nodes read. A shot's
 * manifest (what `--cluster` sends for a Blender scene) is laid out there with every file it
 * names, and the scene in it is the answer.
 */
export async function localInput(value: string, argv: Record<string, unknown>): Promise<string> {
  if (!value.startsWith('s3://')) return value;
  const dir = path.join((argv['state-dir'] as string | undefined) ?? defaultStateDir(), 'inputs');
  const s3 = s3Client({ region: argv.region as string | undefined });
  try {
    const { bucket, key } = parseS3Uri(value);
    if (key.startsWith(MANIFESTS_PREFIX)) {
      const shot = await unpackShot(s3, bucket, key, dir);
      process.stderr.write(
        `· shot laid out: ${shot.files} file(s), ${shot.fetched} fetched now → ${shot.scene}\n`,
      );
      return shot.scene;
    }
    const r = await fetchInput(s3, value, dir);
    process.stderr.write(
      `· ${r.action === 'kept' ? 'already here' : 'fetched'}: ${value} → ${r.file}\n`,
    );
    return r.file;
  } finally {
    s3.destroy();
  }
}
