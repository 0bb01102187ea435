import { parse, stringify } from 'ini';
import { z } from 'zod';
import { loadPreset } from '../presets.js';
import type { Problem } from '../problems.js';
import { OsSchema, SHARED_MOUNT_DIR, type ClusterSpec } from '../spec.js';
import type { ReadResult } from '../v3/read.js';
import { PRESET_TAG_V2, V2_SECTIONS, type ConfigV2 } from './build.js';
import { unknownV2Keys } from './known-keys.js';
import { V2_OSES, V2_VERSION } from './rules.js';

/** Serializes a v2 config as INI (`key = value`, numbers and booleans bare). */
export function stringifyV2(doc: ConfigV2): string {
  return stringify(doc, { whitespace: true });
}

// `ini` gives numbers back as strings; 2.x reads them as integers, so a non-integer is an error.
const Int = z.union([
  z.number().int(),
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number),
]);
const Bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const ClusterSection = z
  .object({
    key_name: z.string().optional(),
    base_os: z.string(),
    scheduler: z.literal('slurm'),
    master_instance_type: z.string(),
    compute_instance_type: z.string(),
    initial_queue_size: Int.optional(),
    max_queue_size: Int.optional(),
    maintain_initial_size: Bool.optional(),
    cluster_type: z.enum(['ondemand', 'spot']).optional(),
    custom_ami: z.string().optional(),
    dcv_settings: z.string().optional(),
    s3_read_resource: z.string().optional(),
    tags: z.string().optional(),
  })
  .loose();
const VpcSection = z
  .object({
    vpc_id: z.string(),
    master_subnet_id: z.string(),
    compute_subnet_id: z.string().optional(),
    ssh_from: z.string().optional(),
  })
  .loose();
const EbsSection = z
  .object({ shared_dir: z.string(), volume_size: Int.optional(), encrypted: Bool.optional() })
  .loose();
const FsxSection = z.object({ shared_dir: z.string(), fsx_fs_id: z.string().optional() }).loose();
const DcvSection = z
  .object({ enable: z.literal('master'), port: Int.optional(), access_from: z.string().optional() })
  .loose();

/** Parses a ParallelCluster 2.x INI file into a spec, reporting unknown keys and wrong types. */
export function readV2(text: string): ReadResult {
  const doc = parse(text) as Record<string, Record<string, unknown>>;
  const problems: Problem[] = unknownV2Keys(doc).map((path) => ({
    level: 'error',
    path,
    message: 'not a ParallelCluster 2.x setting here; check the spelling',
  }));
  const section = <T extends z.ZodType>(
    name: string,
    schema: T,
    required: boolean,
  ): z.infer<T> | undefined => {
    const body = doc[name];
    if (body === undefined) {
      if (required)
        problems.push({ level: 'error', path: `[${name}]`, message: 'section missing' });
      return undefined;
    }
    const r = schema.safeParse(body);
    if (r.success) return r.data;
    for (const i of r.error.issues)
      problems.push({ level: 'error', path: `[${name}] ${i.path.join('.')}`, message: i.message });
    return undefined;
  };
  const region = section(
    'aws',
    z.object({ aws_region_name: z.string() }).loose(),
    true,
  )?.aws_region_name;
  const cluster = section(V2_SECTIONS.cluster, ClusterSection, true);
  const vpc = section(V2_SECTIONS.vpc, VpcSection, true);
  const dcv = section(V2_SECTIONS.dcv, DcvSection, false);
  const ebs = section(V2_SECTIONS.ebs, EbsSection, false);
  const fsx = section(V2_SECTIONS.fsx, FsxSection, false);
  if (!dcv)
    problems.push({
      level: 'error',
      path: `[${V2_SECTIONS.dcv}] enable`,
      message: "set enable = master: cluster-tool's viewer runs in DCV",
    });
  if (!cluster || !vpc || !region) return { problems };

  let preset = 'custom';
  try {
    preset =
      (JSON.parse(cluster.tags ?? '{}') as Record<string, string>)[PRESET_TAG_V2] ?? 'custom';
  } catch {
    problems.push({
      level: 'error',
      path: `[${V2_SECTIONS.cluster}] tags`,
      message: 'must be a JSON object, e.g. {"key": "value"}',
    });
  }
  let requiresCustomAmi = false;
  try {
    requiresCustomAmi = loadPreset(preset).requiresCustomAmi;
  } catch {
    // No preset rules for a hand-written file.
  }
  const bucket = /^arn:[^:]+:s3:::([^/]+)\//.exec(cluster.s3_read_resource ?? '')?.[1];
  if (!bucket)
    problems.push({
      level: 'error',
      path: `[${V2_SECTIONS.cluster}] s3_read_resource`,
      message:
        'give read access to the bucket cluster-tool stages to (arn:aws:s3:::BUCKET/cluster-tool/*)',
    });
  const os = OsSchema.safeParse(cluster.base_os);
  if (!os.success)
    problems.push({
      level: 'error',
      path: `[${V2_SECTIONS.cluster}] base_os`,
      message: `"${cluster.base_os}" is not a base_os cluster-tool writes for ParallelCluster ${V2_VERSION}; use ${V2_OSES.join(' or ')}`,
    });
  const spec: ClusterSpec = {
    preset,
    region,
    keyName: cluster.key_name,
    os: os.success ? os.data : 'alinux2',
    customAmi: cluster.custom_ami,
    requiresCustomAmi,
    headNode: { instanceType: cluster.master_instance_type, subnetId: vpc.master_subnet_id },
    queues: [
      {
        name: 'compute',
        capacityType: cluster.cluster_type === 'spot' ? 'SPOT' : 'ONDEMAND',
        subnetIds: [vpc.compute_subnet_id ?? vpc.master_subnet_id],
        computeResources: [
          {
            name: 'compute',
            instanceType: cluster.compute_instance_type,
            minCount: cluster.initial_queue_size ?? 0,
            maxCount: cluster.max_queue_size ?? 10,
          },
        ],
      },
    ],
    storage: fsx?.fsx_fs_id
      ? { type: 'fsx', fileSystemId: fsx.fsx_fs_id, mountDir: SHARED_MOUNT_DIR }
      : { type: 'ebs', sizeGiB: ebs?.volume_size ?? 20, mountDir: SHARED_MOUNT_DIR },
    dcvAllowedCidr: dcv?.access_from ?? '0.0.0.0/0',
    sshAllowedCidr: vpc.ssh_from ?? '0.0.0.0/0',
    bucket: bucket ?? 'missing-bucket',
    vpcId: vpc.vpc_id,
  };
  if (!ebs && !fsx)
    problems.push({
      level: 'error',
      path: `[${V2_SECTIONS.cluster}] ebs_settings`,
      message: `mount shared storage at ${SHARED_MOUNT_DIR}`,
    });
  return { spec, problems };
}

/** The v2 `[section] key` for a spec path. */
export function v2KeyPath(path: string): string {
  const c = `[${V2_SECTIONS.cluster}]`;
  const v = `[${V2_SECTIONS.vpc}]`;
  const table: [RegExp, string][] = [
    [/^region$/, '[aws] aws_region_name'],
    [/^keyName$/, `${c} key_name`],
    [/^bucket$/, `${c} s3_read_resource`],
    [/^dcvAllowedCidr$/, `[${V2_SECTIONS.dcv}] access_from`],
    [/^sshAllowedCidr$/, `${v} ssh_from`],
    [/^headNode\.subnetId$/, `${v} master_subnet_id`],
    [/^headNode\.instanceType$/, `${c} master_instance_type`],
    [/^customAmi$/, `${c} custom_ami`],
    [/^os$/, `${c} base_os`],
    [/^vpcId$/, `${v} vpc_id`],
    [/^storage\./, `[${V2_SECTIONS.fsx}] fsx_fs_id`],
    [/^queues\.\d+\.subnetIds/, `${v} compute_subnet_id`],
    [/instanceType$/, `${c} compute_instance_type`],
    [/maxCount$/, `${c} max_queue_size`],
    [/minCount$/, `${c} initial_queue_size`],
    [/^queues/, `${c} compute_instance_type`],
  ];
  return table.find(([re]) => re.test(path))?.[1] ?? path;
}
