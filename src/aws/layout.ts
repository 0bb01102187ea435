/**
 * Where cluster-tool keeps things in its S3 bucket; the one place that knows the layout.
 *
 *   s3://BUCKET/cluster-tool/bootstrap/<script>     node bootstrap scripts, bundle.tar
 *   s3://BUCKET/cluster-tool/scenes/<name>          scenes staged from a laptop
 *   s3://BUCKET/cluster-tool/jobs/<job>/outputs/... a job's results (head node writes them)
 *   s3://BUCKET/cluster-tool/cas/sha256/<hex>       a shot's files, named by their content
 *   s3://BUCKET/cluster-tool/manifests/<hex>.json   one per `--cluster` submit: which file is which
 *
 * The ParallelCluster config grants read on `cluster-tool/*` and write only on `cluster-tool/jobs/*`.
 */
export const ROOT_PREFIX = 'cluster-tool/';
export const BOOTSTRAP_PREFIX = `${ROOT_PREFIX}bootstrap/`;
export const SCENES_PREFIX = `${ROOT_PREFIX}scenes/`;
export const JOBS_PREFIX = `${ROOT_PREFIX}jobs/`;
export const CAS_PREFIX = `${ROOT_PREFIX}cas/sha256/`;
export const MANIFESTS_PREFIX = `${ROOT_PREFIX}manifests/`;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Key of a file's content in the bucket, by its SHA-256 (hex). */
export function casKey(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`"${sha256}" is not a SHA-256 in hex`);
  return CAS_PREFIX + sha256;
}

/** The SHA-256 a content key names, or undefined for any other key. */
export function shaOfCasKey(key: string): string | undefined {
  if (!key.startsWith(CAS_PREFIX)) return undefined;
  const hex = key.slice(CAS_PREFIX.length);
  return SHA256_HEX.test(hex) ? hex : undefined;
}

/** Key of a shot's manifest, by the SHA-256 of its text. */
export function manifestKey(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`"${sha256}" is not a SHA-256 in hex`);
  return `${MANIFESTS_PREFIX}${sha256}.json`;
}

/** The SHA-256 a manifest key names, or undefined for any other key. */
export function shaOfManifestKey(key: string): string | undefined {
  const m = /^(.*)([0-9a-f]{64})\.json$/.exec(key);
  return m && m[1] === MANIFESTS_PREFIX ? m[2] : undefined;
}

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
