/**
 * Where cluster-tool keeps things in its S3 bucket; the one place that knows the layout.
 *
 *   s3://BUCKET/cluster-tool/bootstrap/<script>     node bootstrap scripts, bundle.tar
 *   s3://BUCKET/cluster-tool/scenes/<name>          scenes staged from a laptop
 *   s3://BUCKET/cluster-tool/jobs/<job>/outputs/... a job's results (head node writes them)
 *
 * The ParallelCluster config grants read on `cluster-tool/*` and write only on `cluster-tool/jobs/*`.
 */
export const ROOT_PREFIX = 'cluster-tool/';
export const BOOTSTRAP_PREFIX = `${ROOT_PREFIX}bootstrap/`;
export const SCENES_PREFIX = `${ROOT_PREFIX}scenes/`;
export const JOBS_PREFIX = `${ROOT_PREFIX}jobs/`;

/** IAM key patterns for ParallelCluster's `S3Access.KeyName`. */
export const READ_KEY_PATTERN = `${ROOT_PREFIX}*`;
export const WRITE_KEY_PATTERN = `${JOBS_PREFIX}*`;

/** Script names under the bootstrap prefix. */
export const BOOTSTRAP_SCRIPTS = {
  head: 'head-node.sh',
  compute: 'compute-node.sh',
  /** ParallelCluster 2.x has one `post_install` for every node; this one picks head or compute. */
  postInstallV2: 'post-install-v2.sh',
  /** A custom AMI's build step (`config image`): every part of the bundle baked in. */
  image: 'image.sh',
  /** What the nodes install: the tool, Node.js, Blender, ffmpeg (`stage` builds it). */
  bundle: 'bundle.tar',
} as const;

/** Key of a bootstrap file. */
export function bootstrapKey(name: string): string {
  return BOOTSTRAP_PREFIX + name;
}

/** Key of a staged scene (its relative path under the scenes prefix). */
export function sceneKey(relPath: string): string {
  return (
    SCENES_PREFIX +
    relPath
      .split(/[\\/]+/)
      .filter(Boolean)
      .join('/')
  );
}

/** Prefix under which a job's outputs are uploaded. */
export function jobOutputsPrefix(jobId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(jobId)) {
    throw new Error(`job id "${jobId}" must be letters, digits, . _ - (at most 128 characters)`);
  }
  return `${JOBS_PREFIX}${jobId}/outputs/`;
}

/** `s3://bucket/key`. */
export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
