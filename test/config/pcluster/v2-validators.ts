import { parse } from 'ini';
import type { PclusterFailure } from './v3-validators.js';

/**
 * A re-statement, for tests, of what ParallelCluster 2.8.0's `pcluster create` checks in an INI
 * config before it calls AWS. It stands in for the real 2.8.0 CLI (the NVIDIA IndeX AMI's
 * version), which needs an AWS account. Written from github.com/aws/aws-parallelcluster at tag
 * v2.8.0: cli/pcluster/config/mappings.py (sections, keys, allowed_values), param_types.py
 * (unknown keys are errors, integers must parse), validators.py (cluster_validator,
 * dcv_enabled_validator, maintain_initial_size_validator, scheduler_validator),
 * cli/pcluster/dcv/utils.py, cli/pcluster/utils.py, and
 * cloudformation/aws-parallelcluster.cfn.json (parameter constraints). Shares no code with src/config.
 */

// mappings.py: the keys each section type allows (Section.from_file rejects any other key).
const SECTION_KEYS: Record<string, string[]> = {
  aws: ['aws_access_key_id', 'aws_secret_access_key', 'aws_region_name'],
  global: ['cluster_template', 'update_check', 'sanity_check'],
  aliases: ['ssh'],
  scaling: ['scaledown_idletime'],
  vpc: [
    'vpc_id',
    'master_subnet_id',
    'ssh_from',
    'additional_sg',
    'compute_subnet_id',
    'compute_subnet_cidr',
    'use_public_ips',
    'vpc_security_group_id',
  ],
  ebs: [
    'shared_dir',
    'ebs_snapshot_id',
    'volume_type',
    'volume_size',
    'volume_iops',
    'encrypted',
    'ebs_kms_key_id',
    'ebs_volume_id',
  ],
  fsx: [
    'shared_dir',
    'fsx_fs_id',
    'storage_capacity',
    'fsx_kms_key_id',
    'imported_file_chunk_size',
    'export_path',
    'import_path',
    'weekly_maintenance_start_time',
    'deployment_type',
    'per_unit_storage_throughput',
    'daily_automatic_backup_start_time',
    'automatic_backup_retention_days',
    'copy_tags_to_backups',
    'fsx_backup_id',
  ],
  dcv: ['enable', 'port', 'access_from'],
  cluster: (
    'key_name base_os scheduler placement_group placement master_instance_type master_root_volume_size ' +
    'compute_instance_type compute_root_volume_size initial_queue_size max_queue_size maintain_initial_size ' +
    'min_vcpus desired_vcpus max_vcpus cluster_type spot_price spot_bid_percentage proxy_server ec2_iam_role ' +
    's3_read_resource s3_read_write_resource disable_hyperthreading template_url shared_dir enable_efa ' +
    'ephemeral_dir encrypted_ephemeral custom_ami pre_install pre_install_args post_install post_install_args ' +
    'extra_json additional_cfn_template tags custom_chef_cookbook custom_awsbatch_template_url ' +
    'enable_intel_hpc_platform scaling_settings vpc_settings ebs_settings efs_settings raid_settings ' +
    'fsx_settings dcv_settings cw_log_settings additional_iam_policies'
  ).split(' '),
};
// mappings.py CLUSTER base_os allowed_values; dcv/utils.py get_supported_dcv_os, get_supported_dcv_partition
const BASE_OS = ['alinux', 'alinux2', 'ubuntu1604', 'ubuntu1804', 'centos6', 'centos7'];
const DCV_OS = ['centos7', 'ubuntu1804', 'alinux2'];
const DCV_PARTITIONS = ['aws', 'aws-cn'];
// mappings.py ALLOWED_VALUES
const AMI_ID = /^ami-[0-9a-z]{8}$|^ami-[0-9a-z]{17}$/;
const CIDR =
  /^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])(\/([0-9]|[1-2][0-9]|3[0-2]))$/;
const FSX_FS_ID = /^fs-[0-9a-z]{17}|NONE$/;
const SUBNET_ID = /^subnet-[0-9a-z]{8}$|^subnet-[0-9a-z]{17}$/;
const VPC_ID = /^vpc-[0-9a-z]{8}$|^vpc-[0-9a-z]{17}$/;
const VOLUME_TYPES = ['standard', 'io1', 'gp2', 'st1', 'sc1'];
const SCHEDULERS = ['awsbatch', 'sge', 'slurm', 'torque'];
// EBS's own size limits per volume type (2.8.0 leaves them to CloudFormation/EC2)
const EBS_SIZE_BOUNDS: Record<string, [number, number]> = {
  standard: [1, 1024],
  io1: [4, 16384],
  gp2: [1, 16384],
  st1: [500, 16384],
  sc1: [500, 16384],
};

const partitionOf = (region: string) =>
  region.startsWith('cn-')
    ? 'aws-cn'
    : region.startsWith('us-gov-')
      ? 'aws-us-gov'
      : region.startsWith('us-iso')
        ? 'aws-iso'
        : 'aws';

/** The errors ParallelCluster 2.8.0 would report for an INI config. */
export function pclusterV2Errors(text: string): PclusterFailure[] {
  const out: PclusterFailure[] = [];
  const fail = (validator: string, message: string) => out.push({ validator, message });
  const doc = parse(text) as Record<string, Record<string, unknown>>;
  for (const [name, body] of Object.entries(doc)) {
    const type = name.split(/\s+/)[0] ?? '';
    const allowed = SECTION_KEYS[type];
    if (!allowed) {
      fail('PclusterConfig', `unknown section [${name}]`);
      continue;
    }
    for (const key of Object.keys(body))
      if (!allowed.includes(key))
        fail('Section.from_file', `'${key}' is not allowed in the [${name}] section`);
  }
  const template = doc.global?.cluster_template;
  const clusterName = `cluster ${typeof template === 'string' ? template : 'default'}`;
  const cluster = doc[clusterName];
  if (!cluster) {
    fail('PclusterConfig', `Section '[${clusterName}]' not found in the config file.`);
    return out;
  }
  const s = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined;
  const ref = (type: string, key: string) => {
    const label = s(cluster[key]);
    return label === undefined ? undefined : (doc[`${type} ${label}`] ?? {});
  };
  const int = (section: Record<string, unknown> | undefined, key: string, dflt: number) => {
    const v = s(section?.[key]);
    if (v === undefined) return dflt;
    if (!/^-?\d+$/.test(v.trim()))
      fail('IntParam', `Configuration parameter '${key}' must be an Integer`);
    return Number(v);
  };
  const bool = (section: Record<string, unknown> | undefined, key: string) => {
    const v = s(section?.[key])?.toLowerCase();
    if (v !== undefined && !['true', 'false', 'yes', 'no', 'on', 'off', '1', '0'].includes(v))
      fail('BoolParam', `Configuration parameter '${key}' must be a Boolean`);
    return v === 'true' || v === 'yes' || v === 'on' || v === '1';
  };
  const region = s(doc.aws?.aws_region_name) ?? 'us-east-1';

  const baseOs = s(cluster.base_os);
  if (baseOs === undefined)
    fail('Param.validate', "Configuration parameter 'base_os' must have a value");
  else if (!BASE_OS.includes(baseOs))
    fail('allowed_values', `base_os '${baseOs}' is not one of ${BASE_OS.join(', ')}`);
  const scheduler = s(cluster.scheduler);
  if (scheduler === undefined || !SCHEDULERS.includes(scheduler))
    fail('allowed_values', `scheduler '${scheduler}' is not one of ${SCHEDULERS.join(', ')}`);
  const customAmi = s(cluster.custom_ami);
  if (customAmi !== undefined && !AMI_ID.test(customAmi)) fail('allowed_values', 'custom_ami');
  const clusterType = s(cluster.cluster_type);
  if (clusterType !== undefined && !['ondemand', 'spot'].includes(clusterType))
    fail('allowed_values', 'cluster_type');
  if (s(cluster.compute_instance_type)?.includes(','))
    fail('ComputeInstanceType', 'one instance type for a slurm cluster');

  // validators.py cluster_validator and maintain_initial_size_validator (traditional schedulers)
  const initial = int(cluster, 'initial_queue_size', 0);
  const max = int(cluster, 'max_queue_size', 10);
  const maintain = bool(cluster, 'maintain_initial_size');
  if (initial > max)
    fail('cluster_validator', 'initial_queue_size must be fewer than or equal to max_queue_size');
  if (maintain && initial === 0)
    fail(
      'maintain_initial_size_validator',
      'maintain_initial_size cannot be set to true if initial_queue_size is 0',
    );
  if (initial < 0 || max < 0) fail('QueueSizeParam', 'queue sizes are not negative');

  const vpc = ref('vpc', 'vpc_settings') ?? doc['vpc default'];
  if (!VPC_ID.test(s(vpc?.vpc_id) ?? '')) fail('allowed_values', 'vpc_id');
  if (!SUBNET_ID.test(s(vpc?.master_subnet_id) ?? '')) fail('allowed_values', 'master_subnet_id');
  const computeSubnet = s(vpc?.compute_subnet_id);
  if (computeSubnet !== undefined && !SUBNET_ID.test(computeSubnet))
    fail('allowed_values', 'compute_subnet_id');
  const sshFrom = s(vpc?.ssh_from);
  // the CloudFormation AccessFrom parameter is also 9 to 18 characters long
  if (sshFrom !== undefined && (!CIDR.test(sshFrom) || sshFrom.length < 9 || sshFrom.length > 18))
    fail('allowed_values', 'ssh_from');

  const dcv = ref('dcv', 'dcv_settings');
  if (dcv) {
    const enable = s(dcv.enable);
    if (enable !== undefined && enable !== 'master') fail('allowed_values', 'dcv enable');
    int(dcv, 'port', 8443);
    const from = s(dcv.access_from);
    if (from !== undefined && !CIDR.test(from)) fail('allowed_values', 'access_from');
    if (enable === 'master') {
      if (!DCV_OS.includes(baseOs ?? ''))
        fail('dcv_enabled_validator', `NICE DCV can be used with ${DCV_OS.join(', ')}`);
      if (!DCV_PARTITIONS.includes(partitionOf(region)))
        fail(
          'dcv_enabled_validator',
          `NICE DCV is not supported in the selected region '${region}'`,
        );
    }
  }
  const ebs = ref('ebs', 'ebs_settings');
  if (ebs) {
    const type = s(ebs.volume_type) ?? 'gp2';
    if (!VOLUME_TYPES.includes(type)) fail('allowed_values', `volume_type '${type}'`);
    const size = int(ebs, 'volume_size', 20);
    const bounds = EBS_SIZE_BOUNDS[type];
    if (bounds && (size < bounds[0] || size > bounds[1]))
      fail('EBS', `${type} volume size ${size} GiB`);
    bool(ebs, 'encrypted');
  }
  const fsx = ref('fsx', 'fsx_settings');
  if (fsx) {
    const id = s(fsx.fsx_fs_id);
    if (id !== undefined && !FSX_FS_ID.test(id)) fail('allowed_values', `fsx_fs_id '${id}'`);
  }
  int(ref('scaling', 'scaling_settings'), 'scaledown_idletime', 10);
  if (s(cluster.tags) !== undefined) {
    try {
      JSON.parse(s(cluster.tags) ?? '');
    } catch {
      fail('JsonParam', "Error parsing JSON parameter 'tags'");
    }
  }
  return out;
}
