/**
 * Every key path of a ParallelCluster 3 cluster configuration that cluster-tool accepts, `[]`
 * marking a list. Source: the AWS ParallelCluster User Guide, "Cluster configuration file" (v3),
 * sections Region/CustomS3Bucket/AdditionalResources, Imds, Image, HeadNode, Scheduling
 * (SlurmSettings, SlurmQueues), SharedStorage, Tags (github.com/awsdocs/aws-parallelcluster-user-guide,
 * doc_source/{cluster-configuration-file,Imds-cluster,Image,HeadNode,Scheduling,SharedStorage,Tags}-v3.md,
 * read for ParallelCluster 3.6; LoginNodes-v3.md read for 3.11). AwsBatch, DirectoryService,
 * Monitoring and DeploymentSettings are left out on purpose: cluster-tool needs Slurm and does not
 * set them. It writes no LoginNodes either, but reads a file that has them (`login-nodes.ts` says
 * what each release refuses there).
 * Keys under a `CustomSlurmSettings` dict are Slurm's, not ParallelCluster's; see `slurm-settings.ts`.
 */
const SCRIPT = (p: string) => [
  `${p}.Script`,
  `${p}.Args[]`,
  `${p}.Sequence[].Script`,
  `${p}.Sequence[].Args[]`,
];
const IAM = (p: string) => [
  `${p}.InstanceRole`,
  `${p}.InstanceProfile`,
  `${p}.S3Access[].BucketName`,
  `${p}.S3Access[].EnableWriteAccess`,
  `${p}.S3Access[].KeyName`,
  `${p}.AdditionalIamPolicies[].Policy`,
];
const ROOT_VOLUME = (p: string) =>
  ['Size', 'Encrypted', 'VolumeType', 'Iops', 'Throughput']
    .map((k) => `${p}.RootVolume.${k}`)
    .concat(`${p}.EphemeralVolume.MountDir`);
const CAPACITY = (p: string) => [
  `${p}.CapacityReservationTarget.CapacityReservationId`,
  `${p}.CapacityReservationTarget.CapacityReservationResourceGroupArn`,
];
const Q = 'Scheduling.SlurmQueues[]';
const LOGIN = 'LoginNodes.Pools[]';
const CR = `${Q}.ComputeResources[]`;

export const KNOWN_V3_KEYS: ReadonlySet<string> = new Set([
  'Region',
  'CustomS3Bucket',
  'AdditionalResources',
  'Imds.ImdsSupport',
  'Image.Os',
  'Image.CustomAmi',
  'Tags[].Key',
  'Tags[].Value',
  // HeadNode
  'HeadNode.InstanceType',
  'HeadNode.Networking.SubnetId',
  'HeadNode.Networking.ElasticIp',
  'HeadNode.Networking.SecurityGroups[]',
  'HeadNode.Networking.AdditionalSecurityGroups[]',
  'HeadNode.Networking.Proxy.HttpProxyAddress',
  'HeadNode.DisableSimultaneousMultithreading',
  'HeadNode.Ssh.KeyName',
  'HeadNode.Ssh.AllowedIps',
  ...ROOT_VOLUME('HeadNode.LocalStorage'),
  'HeadNode.LocalStorage.RootVolume.DeleteOnTermination',
  'HeadNode.SharedStorageType',
  'HeadNode.Dcv.Enabled',
  'HeadNode.Dcv.Port',
  'HeadNode.Dcv.AllowedIps',
  ...SCRIPT('HeadNode.CustomActions.OnNodeStart'),
  ...SCRIPT('HeadNode.CustomActions.OnNodeConfigured'),
  ...SCRIPT('HeadNode.CustomActions.OnNodeUpdated'),
  ...IAM('HeadNode.Iam'),
  'HeadNode.Imds.Secured',
  'HeadNode.Image.CustomAmi',
  // Scheduling
  'Scheduling.Scheduler',
  'Scheduling.SlurmSettings.ScaledownIdletime',
  'Scheduling.SlurmSettings.QueueUpdateStrategy',
  'Scheduling.SlurmSettings.EnableMemoryBasedScheduling',
  'Scheduling.SlurmSettings.CustomSlurmSettings[]',
  'Scheduling.SlurmSettings.CustomSlurmSettingsIncludeFile',
  'Scheduling.SlurmSettings.Database.Uri',
  'Scheduling.SlurmSettings.Database.UserName',
  'Scheduling.SlurmSettings.Database.PasswordSecretArn',
  'Scheduling.SlurmSettings.Dns.DisableManagedDns',
  'Scheduling.SlurmSettings.Dns.HostedZoneId',
  'Scheduling.SlurmSettings.Dns.UseEc2Hostnames',
  `${Q}.Name`,
  ...ROOT_VOLUME(`${Q}.ComputeSettings.LocalStorage`),
  ...CAPACITY(Q),
  `${Q}.CapacityType`,
  `${Q}.AllocationStrategy`,
  `${Q}.CustomSlurmSettings`,
  `${Q}.Tags[].Key`,
  `${Q}.Tags[].Value`,
  `${Q}.HealthChecks.Gpu.Enabled`,
  `${Q}.Networking.SubnetIds[]`,
  `${Q}.Networking.AssignPublicIp`,
  `${Q}.Networking.SecurityGroups[]`,
  `${Q}.Networking.AdditionalSecurityGroups[]`,
  `${Q}.Networking.PlacementGroup.Enabled`,
  `${Q}.Networking.PlacementGroup.Id`,
  `${Q}.Networking.PlacementGroup.Name`,
  `${Q}.Networking.Proxy.HttpProxyAddress`,
  `${CR}.Name`,
  `${CR}.InstanceType`,
  `${CR}.Instances[].InstanceType`,
  `${CR}.MinCount`,
  `${CR}.MaxCount`,
  `${CR}.SpotPrice`,
  `${CR}.DisableSimultaneousMultithreading`,
  `${CR}.SchedulableMemory`,
  `${CR}.HealthChecks.Gpu.Enabled`,
  `${CR}.Efa.Enabled`,
  `${CR}.Efa.GdrSupport`,
  ...CAPACITY(CR),
  `${CR}.Networking.PlacementGroup.Enabled`,
  `${CR}.Networking.PlacementGroup.Name`,
  `${CR}.CustomSlurmSettings`,
  `${CR}.Tags[].Key`,
  `${CR}.Tags[].Value`,
  ...SCRIPT(`${Q}.CustomActions.OnNodeStart`),
  ...SCRIPT(`${Q}.CustomActions.OnNodeConfigured`),
  ...IAM(`${Q}.Iam`),
  `${Q}.Image.CustomAmi`,
  // LoginNodes
  ...[
    'Name',
    'Count',
    'InstanceType',
    'GracetimePeriod',
    'Image.CustomAmi',
    'Ssh.KeyName',
    'Ssh.AllowedIps',
    'Networking.SubnetIds[]',
    'Networking.SecurityGroups[]',
    'Networking.AdditionalSecurityGroups[]',
    'Dcv.Enabled',
    'Dcv.Port',
    'Dcv.AllowedIps',
  ].map((k) => `${LOGIN}.${k}`),
  ...SCRIPT(`${LOGIN}.CustomActions.OnNodeStart`),
  ...SCRIPT(`${LOGIN}.CustomActions.OnNodeConfigured`),
  ...SCRIPT(`${LOGIN}.CustomActions.OnNodeUpdated`),
  `${LOGIN}.Iam.InstanceRole`,
  `${LOGIN}.Iam.InstanceProfile`,
  `${LOGIN}.Iam.AdditionalIamPolicies[].Policy`,
  // SharedStorage
  'SharedStorage[].MountDir',
  'SharedStorage[].Name',
  'SharedStorage[].StorageType',
  ...[
    'VolumeType',
    'Iops',
    'Size',
    'Encrypted',
    'KmsKeyId',
    'SnapshotId',
    'Throughput',
    'VolumeId',
    'DeletionPolicy',
    'Raid.Type',
    'Raid.NumberOfVolumes',
  ].map((k) => `SharedStorage[].EbsSettings.${k}`),
  ...[
    'ThroughputMode',
    'ProvisionedThroughput',
    'Encrypted',
    'KmsKeyId',
    'PerformanceMode',
    'FileSystemId',
    'DeletionPolicy',
  ].map((k) => `SharedStorage[].EfsSettings.${k}`),
  ...[
    'StorageCapacity',
    'DeploymentType',
    'ImportedFileChunkSize',
    'DataCompressionType',
    'ExportPath',
    'ImportPath',
    'WeeklyMaintenanceStartTime',
    'AutomaticBackupRetentionDays',
    'CopyTagsToBackups',
    'DailyAutomaticBackupStartTime',
    'PerUnitStorageThroughput',
    'BackupId',
    'KmsKeyId',
    'FileSystemId',
    'AutoImportPolicy',
    'DriveCacheType',
    'StorageType',
    'DeletionPolicy',
  ].map((k) => `SharedStorage[].FsxLustreSettings.${k}`),
]);

/** Keys whose value is a free-form dict (Slurm's own parameters): the walk stops there. */
const OPAQUE = /(^|\.)CustomSlurmSettings(\[\])?$/;

/**
 * Key paths in `doc` that are not in the known list, e.g. `HeadNode.Dcv.Enable`. Walks maps and
 * lists; leaves are checked by their path with `[]` for list items.
 */
export function unknownV3Keys(doc: unknown): string[] {
  const unknown: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (path && OPAQUE.test(path)) return;
    if (Array.isArray(value)) {
      if (value.every((v) => typeof v !== 'object' || v === null)) {
        if (path && !KNOWN_V3_KEYS.has(`${path}[]`) && !KNOWN_V3_KEYS.has(path)) unknown.push(path);
        return;
      }
      value.forEach((v) => walk(v, `${path}[]`));
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    if (!KNOWN_V3_KEYS.has(path)) unknown.push(path);
  };
  walk(doc, '');
  return [...new Set(unknown)];
}
