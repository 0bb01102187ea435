// One file, over 8 KB: the reader walks every v3 section once, and the problems it finds carry
// the v3 key paths that only this walk knows.
import { parse, YAMLParseError } from 'yaml';
import { loadPreset } from '../presets.js';
import type { Problem } from '../problems.js';
import { isDeniedSlurmSetting } from '../slurm-settings.js';
import { OsSchema, SHARED_MOUNT_DIR, type ClusterSpec, type StorageSpec } from '../spec.js';
import { PRESET_TAG, RELEASE_TAG } from './build.js';
import { readComputeResources } from './compute-resources.js';
import { unknownV3Keys } from './known-keys.js';
import { checkLoginNodes } from './login-nodes.js';
import { releaseOses } from './release-rules.js';
import { releaseOf, showRelease } from './releases.js';
import { ClusterConfigV3 } from './schema.js';

/** A parsed v3 file: the spec when the file could be read as one, and what was wrong. */
export interface ReadResult {
  spec?: ClusterSpec;
  problems: Problem[];
}

/** How to read a file: the release to judge it for, over the one its tag names. */
export interface ReadV3Options {
  pclusterVersion?: string;
}

/**
 * Parses ParallelCluster 3 YAML into a spec, reporting unknown keys, wrong types, denied Slurm
 * settings and keys its release refuses. The release is the option's, else the file's
 * `cluster-tool:pcluster-version` tag, else the current one.
 */
export function readV3(text: string, opts: ReadV3Options = {}): ReadResult {
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: true });
  } catch (e) {
    const where = e instanceof YAMLParseError ? `line ${e.linePos?.[0]?.line ?? '?'}` : '(file)';
    return {
      problems: [
        {
          level: 'error',
          path: where,
          message: `not valid YAML: ${(e as Error).message.split('\n')[0]}`,
        },
      ],
    };
  }
  const problems: Problem[] = unknownV3Keys(raw).map((path) => ({
    level: 'error',
    path,
    message:
      'not a ParallelCluster 3 key (check the spelling against the cluster configuration reference)',
  }));
  const parsed = ClusterConfigV3.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push({ level: 'error', path: zodPath(issue.path), message: issue.message });
    return { problems };
  }
  const doc = parsed.data;
  problems.push(...deniedSlurmSettings(doc));
  if (doc.Imds?.ImdsSupport !== 'v2.0')
    problems.push({
      level: 'warning',
      path: 'Imds.ImdsSupport',
      message: 'set v2.0 so nodes accept IMDSv2 only',
    });
  if (doc.HeadNode.Dcv?.Enabled !== true)
    problems.push({
      level: 'error',
      path: 'HeadNode.Dcv.Enabled',
      message: "set true: cluster-tool's viewer runs in the head node's DCV desktop",
    });
  if (!doc.HeadNode.CustomActions?.OnNodeConfigured) {
    problems.push({
      level: 'warning',
      path: 'HeadNode.CustomActions.OnNodeConfigured',
      message: 'no bootstrap script: the coordinator will not be installed',
    });
  }
  const bucket = doc.HeadNode.Iam?.S3Access?.[0]?.BucketName;
  if (!bucket)
    problems.push({
      level: 'error',
      path: 'HeadNode.Iam.S3Access',
      message: 'give S3 read access to the bucket cluster-tool stages to',
    });
  const pclusterVersion =
    opts.pclusterVersion ?? doc.Tags?.find((t) => t.Key === RELEASE_TAG)?.Value;
  const release = releaseOf(pclusterVersion);
  problems.push(...checkLoginNodes(raw, release));
  const os = OsSchema.safeParse(doc.Image.Os);
  if (!os.success)
    problems.push({
      level: 'error',
      path: 'Image.Os',
      message: `"${doc.Image.Os}" is not an OS ParallelCluster ${showRelease(release)} accepts; use one of ${releaseOses(release).join(', ')}`,
    });

  const preset = doc.Tags?.find((t) => t.Key === PRESET_TAG)?.Value ?? 'custom';
  let requiresCustomAmi = false;
  try {
    requiresCustomAmi = loadPreset(preset).requiresCustomAmi;
  } catch {
    // A hand-written file with no preset tag: no preset-specific rules.
  }
  const spec: ClusterSpec = {
    preset,
    region: doc.Region ?? '',
    keyName: doc.HeadNode.Ssh?.KeyName,
    os: os.success ? os.data : 'alinux2',
    customAmi: doc.Image.CustomAmi,
    requiresCustomAmi,
    headNode: {
      instanceType: doc.HeadNode.InstanceType,
      subnetId: doc.HeadNode.Networking.SubnetId,
    },
    queues: doc.Scheduling.SlurmQueues.map((q, qi) => ({
      name: q.Name,
      capacityType: q.CapacityType === 'SPOT' ? 'SPOT' : 'ONDEMAND',
      subnetIds: q.Networking.SubnetIds,
      computeResources: readComputeResources(q, qi, problems),
      ...(q.AllocationStrategy !== undefined ? { allocationStrategy: q.AllocationStrategy } : {}),
    })),
    storage: readStorage(doc, problems),
    dcvAllowedCidr: doc.HeadNode.Dcv?.AllowedIps ?? '0.0.0.0/0',
    sshAllowedCidr: doc.HeadNode.Ssh?.AllowedIps ?? '0.0.0.0/0',
    bucket: bucket ?? 'missing-bucket',
    ...(pclusterVersion !== undefined ? { pclusterVersion } : {}),
  };
  if (!doc.Region)
    problems.push({
      level: 'error',
      path: 'Region',
      message: 'give the AWS region (e.g. us-east-1)',
    });
  return { spec, problems };
}

function readStorage(doc: ClusterConfigV3, problems: Problem[]): StorageSpec {
  const shared = doc.SharedStorage?.find((s) => s.MountDir === SHARED_MOUNT_DIR);
  if (!shared) {
    problems.push({
      level: 'error',
      path: 'SharedStorage',
      message: `mount shared storage at ${SHARED_MOUNT_DIR}: the coordinator keeps its state there`,
    });
  } else if (shared.StorageType === 'FsxLustre' && shared.FsxLustreSettings?.FileSystemId) {
    return {
      type: 'fsx',
      fileSystemId: shared.FsxLustreSettings.FileSystemId,
      mountDir: SHARED_MOUNT_DIR,
    };
  } else if (shared.StorageType === 'Ebs') {
    return { type: 'ebs', sizeGiB: shared.EbsSettings?.Size ?? 35, mountDir: SHARED_MOUNT_DIR };
  }
  return { type: 'ebs', sizeGiB: 35, mountDir: SHARED_MOUNT_DIR };
}

function deniedSlurmSettings(doc: ClusterConfigV3): Problem[] {
  const out: Problem[] = [];
  const check = (dict: Record<string, unknown> | undefined, path: string) => {
    for (const key of Object.keys(dict ?? {})) {
      if (isDeniedSlurmSetting(key))
        out.push({
          level: 'error',
          path: `${path}.${key}`,
          message: 'ParallelCluster manages this Slurm setting and rejects it here; remove it',
        });
    }
  };
  doc.Scheduling.SlurmSettings?.CustomSlurmSettings?.forEach((d, i) =>
    check(d, `Scheduling.SlurmSettings.CustomSlurmSettings[${i}]`),
  );
  doc.Scheduling.SlurmQueues.forEach((q, qi) => {
    check(q.CustomSlurmSettings, `Scheduling.SlurmQueues[${qi}].CustomSlurmSettings`);
    q.ComputeResources.forEach((cr, ci) =>
      check(
        cr.CustomSlurmSettings,
        `Scheduling.SlurmQueues[${qi}].ComputeResources[${ci}].CustomSlurmSettings`,
      ),
    );
  });
  return out;
}

function zodPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`))
      .join('') || '(top level)'
  );
}

const CAP = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The v3 key path for a spec path, e.g. `queues.0.computeResources.1.maxCount` -> `Scheduling.SlurmQueues[0].ComputeResources[1].MaxCount`. */
export function v3KeyPath(path: string): string {
  const fixed: Record<string, string> = {
    region: 'Region',
    keyName: 'HeadNode.Ssh.KeyName',
    bucket: 'HeadNode.Iam.S3Access[0].BucketName',
    dcvAllowedCidr: 'HeadNode.Dcv.AllowedIps',
    sshAllowedCidr: 'HeadNode.Ssh.AllowedIps',
    'headNode.subnetId': 'HeadNode.Networking.SubnetId',
    'headNode.instanceType': 'HeadNode.InstanceType',
    customAmi: 'Image.CustomAmi',
    os: 'Image.Os',
    pclusterVersion: `Tags[${RELEASE_TAG}]`,
    'storage.fileSystemId': 'SharedStorage[0].FsxLustreSettings.FileSystemId',
    queues: 'Scheduling.SlurmQueues',
  };
  if (fixed[path]) return fixed[path];
  const q =
    /^queues\.(\d+)(?:\.(name|subnetIds|allocationStrategy)(?:\.(\d+))?)?(?:\.computeResources\.(\d+)\.(\w+))?$/.exec(
      path,
    );
  if (!q) return path;
  const [, qi, field, si, ci, crField] = q;
  let out = `Scheduling.SlurmQueues[${qi}]`;
  if (field === 'name') out += '.Name';
  if (field === 'subnetIds') out += `.Networking.SubnetIds${si !== undefined ? `[${si}]` : ''}`;
  if (field === 'allocationStrategy') out += '.AllocationStrategy';
  if (ci !== undefined && crField) out += `.ComputeResources[${ci}].${CAP(crField)}`;
  return out;
}
