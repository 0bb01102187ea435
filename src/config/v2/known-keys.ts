/**
 * Keys of the ParallelCluster 2.x INI sections cluster-tool writes and accepts, by section type:
 * those ParallelCluster 2.8.0 knows (aws/aws-parallelcluster at v2.8.0, cli/pcluster/config/mappings.py;
 * Section.from_file in param_types.py refuses any other key), less the AWS Batch ones. Keys that
 * came later (cluster_resource_bucket, dashboard_settings, volume_throughput, ...) are refused:
 * 2.8.0 would refuse them. The multi-queue `[queue]`/`[compute_resource]` sections came in 2.9.
 */
export const KNOWN_V2_KEYS: Readonly<Record<string, ReadonlySet<string>>> = {
  aws: new Set(['aws_region_name', 'aws_access_key_id', 'aws_secret_access_key']),
  global: new Set(['cluster_template', 'update_check', 'sanity_check']),
  aliases: new Set(['ssh']),
  cluster: new Set([
    'additional_cfn_template',
    'additional_iam_policies',
    'base_os',
    'cluster_type',
    'compute_instance_type',
    'compute_root_volume_size',
    'custom_ami',
    'cw_log_settings',
    'dcv_settings',
    'disable_hyperthreading',
    'ebs_settings',
    'ec2_iam_role',
    'efs_settings',
    'enable_efa',
    'enable_intel_hpc_platform',
    'encrypted_ephemeral',
    'ephemeral_dir',
    'extra_json',
    'fsx_settings',
    'initial_queue_size',
    'key_name',
    'maintain_initial_size',
    'master_instance_type',
    'master_root_volume_size',
    'max_queue_size',
    'placement',
    'placement_group',
    'post_install',
    'post_install_args',
    'pre_install',
    'pre_install_args',
    'proxy_server',
    'raid_settings',
    's3_read_resource',
    's3_read_write_resource',
    'scaling_settings',
    'scheduler',
    'shared_dir',
    'spot_price',
    'tags',
    'template_url',
    'vpc_settings',
  ]),
  vpc: new Set([
    'vpc_id',
    'master_subnet_id',
    'compute_subnet_id',
    'compute_subnet_cidr',
    'use_public_ips',
    'ssh_from',
    'additional_sg',
    'vpc_security_group_id',
  ]),
  ebs: new Set([
    'shared_dir',
    'ebs_snapshot_id',
    'volume_type',
    'volume_size',
    'volume_iops',
    'encrypted',
    'ebs_kms_key_id',
    'ebs_volume_id',
  ]),
  fsx: new Set([
    'shared_dir',
    'fsx_fs_id',
    'storage_capacity',
    'deployment_type',
    'imported_file_chunk_size',
    'export_path',
    'import_path',
    'weekly_maintenance_start_time',
    'per_unit_storage_throughput',
    'fsx_kms_key_id',
    'daily_automatic_backup_start_time',
    'automatic_backup_retention_days',
    'copy_tags_to_backups',
    'fsx_backup_id',
  ]),
  dcv: new Set(['enable', 'port', 'access_from']),
  scaling: new Set(['scaledown_idletime']),
};

/** The section type of an INI section name: `cluster default` -> `cluster`. */
export function sectionType(name: string): string {
  return name.split(/\s+/)[0] ?? name;
}

/** `section.key` paths in a parsed INI object that 2.x does not know. */
export function unknownV2Keys(doc: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [section, body] of Object.entries(doc)) {
    const known = KNOWN_V2_KEYS[sectionType(section)];
    if (!known) {
      out.push(`[${section}]`);
      continue;
    }
    for (const key of Object.keys(body as object))
      if (!known.has(key)) out.push(`[${section}] ${key}`);
  }
  return out;
}
