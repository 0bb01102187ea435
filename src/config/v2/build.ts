import {
  bootstrapKey,
  BOOTSTRAP_SCRIPTS,
  READ_KEY_PATTERN,
  s3Uri,
  WRITE_KEY_PATTERN,
} from '../../aws/layout.js';
import { bootstrapArgs } from '../bootstrap.js';
import { partitionOf } from '../partition.js';
import { DCV_PORT, SCALEDOWN_IDLE_MINUTES, type ClusterSpec } from '../spec.js';

/** Section names the v2 file uses; `[cluster default]` is the template `pcluster create` picks. */
export const V2_SECTIONS = {
  cluster: 'cluster default',
  vpc: 'vpc default',
  ebs: 'ebs shared',
  fsx: 'fsx shared',
  dcv: 'dcv default',
  scaling: 'scaling default',
} as const;

/** Tag that records the preset (the `tags` setting is a JSON object in 2.x). */
export const PRESET_TAG_V2 = 'cluster-tool:preset';

type IniValue = string | number | boolean;
/** A ParallelCluster 2.x config as `ini` sections; values keep their real types. */
export type ConfigV2 = Record<string, Record<string, IniValue>>;

/**
 * Builds a ParallelCluster 2.x (2.8-era, single compute fleet) configuration. `checkSpec` with
 * format v2 has already refused what 2.x cannot express (several instance types, no VPC id).
 */
export function buildV2(spec: ClusterSpec): ConfigV2 {
  const queue = spec.queues[0];
  const cr = queue?.computeResources[0];
  if (!queue || !cr) throw new Error('a v2 config needs one queue with one compute resource');
  const arn = (key: string) => `arn:${partitionOf(spec.region)}:s3:::${spec.bucket}/${key}`;
  const cluster: Record<string, IniValue> = {
    key_name: spec.keyName ?? '',
    base_os: spec.os,
    scheduler: 'slurm',
    master_instance_type: spec.headNode.instanceType,
    compute_instance_type: cr.instanceType,
    initial_queue_size: cr.minCount,
    max_queue_size: cr.maxCount,
    maintain_initial_size: cr.minCount > 0,
    cluster_type: queue.capacityType === 'SPOT' ? 'spot' : 'ondemand',
    ...(spec.customAmi ? { custom_ami: spec.customAmi } : {}),
    vpc_settings: 'default',
    ...(spec.storage.type === 'ebs' ? { ebs_settings: 'shared' } : { fsx_settings: 'shared' }),
    dcv_settings: 'default',
    scaling_settings: 'default',
    s3_read_resource: arn(READ_KEY_PATTERN),
    s3_read_write_resource: arn(WRITE_KEY_PATTERN),
    // 2.x runs one post_install on every node; this script picks the head or compute steps.
    post_install: s3Uri(spec.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.postInstallV2)),
    post_install_args: bootstrapArgs(spec).join(' '),
    additional_iam_policies: `arn:${partitionOf(spec.region)}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    tags: JSON.stringify({ [PRESET_TAG_V2]: spec.preset }),
  };
  if (!spec.keyName) delete cluster.key_name;
  return {
    aws: { aws_region_name: spec.region },
    global: { cluster_template: 'default', update_check: true, sanity_check: true },
    aliases: { ssh: 'ssh {CFN_USER}@{MASTER_IP} {ARGS}' },
    [V2_SECTIONS.cluster]: cluster,
    [V2_SECTIONS.vpc]: {
      vpc_id: spec.vpcId ?? '',
      master_subnet_id: spec.headNode.subnetId,
      compute_subnet_id: queue.subnetIds[0] ?? spec.headNode.subnetId,
      ssh_from: spec.sshAllowedCidr,
    },
    ...(spec.storage.type === 'ebs'
      ? {
          [V2_SECTIONS.ebs]: {
            shared_dir: spec.storage.mountDir,
            volume_type: 'gp2',
            volume_size: spec.storage.sizeGiB,
            encrypted: true,
          },
        }
      : {
          [V2_SECTIONS.fsx]: {
            shared_dir: spec.storage.mountDir,
            fsx_fs_id: spec.storage.fileSystemId,
          },
        }),
    [V2_SECTIONS.dcv]: { enable: 'master', port: DCV_PORT, access_from: spec.dcvAllowedCidr },
    [V2_SECTIONS.scaling]: { scaledown_idletime: SCALEDOWN_IDLE_MINUTES },
  };
}
