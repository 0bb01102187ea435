import { parse } from 'yaml';

/**
 * A re-statement, for tests, of the ParallelCluster 3.11.1 checks that `pcluster create-cluster`
 * runs on a cluster configuration before it calls AWS, plus the AWS-backed ones whose outcome is
 * fixed by the file alone (the official AMI's NVIDIA driver). It stands in for the real `pcluster`,
 * which needs an AWS account. Written from github.com/aws/aws-parallelcluster at tag v3.11.1:
 * cli/src/pcluster/schemas/cluster_schema.py, cli/src/pcluster/config/cluster_config.py,
 * cli/src/pcluster/validators/{cluster,networking,ec2,ebs}_validators.py, cli/src/pcluster/constants.py,
 * cli/src/pcluster/cli/commands/dcv_util.py. It deliberately shares no code with src/config.
 */

type Dict = Record<string, unknown>;

// constants.py SUPPORTED_OSES; PRIVATE_OSES
const SUPPORTED_OSES = [
  'alinux2',
  'alinux2023',
  'ubuntu2004',
  'ubuntu2204',
  'rhel8',
  'rocky8',
  'rhel9',
  'rocky9',
];
const PRIVATE_OSES = ['rocky8', 'rocky9'];
// dcv_util.py UNSUPPORTED_OSES_FOR_DCV (x86_64; every instance type used here is x86_64)
const UNSUPPORTED_OSES_FOR_DCV = ['alinux2023'];
// cluster_config.py AllocationStrategy (cluster_schema.py SlurmQueueSchema.allocation_strategy OneOf)
const ALLOCATION_STRATEGIES = ['lowest-price', 'capacity-optimized', 'price-capacity-optimized'];
// constants.py NVIDIA_OPENRM_UNSUPPORTED_INSTANCE_TYPES (ec2_validators.py InstanceTypeBaseAMICompatibleValidator)
const OPENRM_UNSUPPORTED = ['p3', 'p3dn', 'p2', 'g3', 'g3s', 'g2'];
// constants.py UNSUPPORTED_FEATURES_MAP[Feature.DCV], [Feature.FSX_LUSTRE]: region prefixes
const DCV_UNSUPPORTED_REGIONS = ['us-iso'];
const FSX_LUSTRE_UNSUPPORTED_REGIONS = ['us-isob'];
// cluster_validators.py NAME_REGEX, NAME_MAX_LENGTH, SHARED_STORAGE_NAME_MAX_LENGTH
const NAME_REGEX = /^[a-z][a-z0-9-]*$/;
const NAME_MAX_LENGTH = 25;
const SHARED_STORAGE_NAME_MAX_LENGTH = 30;
// constants.py MAX_NUMBER_OF_QUEUES, MAX_COMPUTE_RESOURCES_PER_QUEUE, MAX_NUMBER_OF_COMPUTE_RESOURCES_PER_CLUSTER
const MAX_QUEUES = 50;
const MAX_CR_PER_QUEUE = 50;
const MAX_CR_PER_CLUSTER = 50;
// common_schema.py ALLOWED_VALUES and cluster_schema.py regexes
const SUBNET_ID = /^subnet-[0-9a-z]{8}$|^subnet-[0-9a-z]{17}$/;
const AMI_ID = /^ami-[0-9a-z]{8}$|^ami-[0-9a-z]{17}$/;
const FSX_LUSTRE_ID = /^fs-[0-9a-z]{17}$/;
const CIDR =
  /^(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])(\/([0-9]|[1-2][0-9]|3[0-2]))$/;
const PREFIX_LIST = /^pl-[a-zA-Z0-9]/;
// ebs_validators.py EBS_VOLUME_TYPE_TO_VOLUME_SIZE_BOUNDS
const EBS_SIZE_BOUNDS: Record<string, [number, number]> = {
  standard: [1, 1024],
  io1: [4, 16 * 1024],
  io2: [4, 64 * 1024],
  gp2: [1, 16 * 1024],
  gp3: [1, 16 * 1024],
  st1: [500, 16 * 1024],
  sc1: [500, 16 * 1024],
};
// cluster_validators.py SharedStorageMountDirValidator
const RESERVED_MOUNT_DIRS = new Set(
  '/bin /boot /dev /etc /lib /lib64 /media /mnt /opt /opt/parallelcluster /opt/parallelcluster/shared /opt/parallelcluster/shared_login_nodes /opt/slurm /opt/intel /proc /root /run /sbin /srv /sys /tmp /usr /var'.split(
    ' ',
  ),
);

const obj = (v: unknown): Dict =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Dict) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** One failure at ERROR level, named after the ParallelCluster validator or schema field. */
export interface PclusterFailure {
  validator: string;
  message: string;
}

/** The ERROR-level failures ParallelCluster 3.11.1 would report for a YAML config. */
export function pclusterV3Errors(text: string): PclusterFailure[] {
  const out: PclusterFailure[] = [];
  const fail = (validator: string, message: string) => out.push({ validator, message });
  const doc = obj(parse(text));
  const region = str(doc.Region);
  const image = obj(doc.Image);
  const os = str(image.Os);
  const customAmi = image.CustomAmi;
  const head = obj(doc.HeadNode);
  const scheduling = obj(doc.Scheduling);

  if (!SUPPORTED_OSES.includes(os))
    fail('ImageSchema.os', `Must be one of: ${SUPPORTED_OSES.join(', ')}`);
  if (customAmi !== undefined && !AMI_ID.test(str(customAmi)))
    fail('ImageSchema.custom_ami', 'String does not match expected pattern.');
  if (customAmi === undefined && PRIVATE_OSES.includes(os))
    fail('OsCustomAmiValidator', `ParallelCluster has no official AMI for ${os}`);

  // HeadNode
  const headType = str(head.InstanceType);
  if (!headType) fail('HeadNodeSchema.instance_type', 'Missing data for required field.');
  if (!SUBNET_ID.test(str(obj(head.Networking).SubnetId)))
    fail('HeadNodeNetworkingSchema.subnet_id', 'String does not match expected pattern.');
  const ssh = obj(head.Ssh);
  if (ssh.AllowedIps !== undefined)
    checkCidrOrPrefixList('HeadNodeSshSchema.allowed_ips', ssh.AllowedIps);
  const dcv = obj(head.Dcv);
  if (dcv.AllowedIps !== undefined) checkCidrOrPrefixList('DcvSchema.allowed_ips', dcv.AllowedIps);
  if (dcv.Enabled === true) {
    if (DCV_UNSUPPORTED_REGIONS.some((p) => region.startsWith(p)))
      fail('FeatureRegionValidator', `NICE DCV is not supported in region '${region}'.`);
    if (UNSUPPORTED_OSES_FOR_DCV.includes(os))
      fail('DcvValidator', 'NICE DCV can be used with one of the following operating systems');
  }
  const imageIsOfficial = customAmi === undefined;
  const openRm = (type: string, where: string) => {
    if (imageIsOfficial && OPENRM_UNSUPPORTED.includes(type.split('.')[0] ?? ''))
      fail(
        'InstanceTypeBaseAMICompatibleValidator',
        `${where}: '${type}' is not supported by NVIDIA OpenRM drivers`,
      );
  };
  openRm(headType, 'HeadNode');

  // Scheduling
  const queues = list(scheduling.SlurmQueues).map(obj);
  if (queues.length > MAX_QUEUES) fail('MaxCountValidator', 'SlurmQueues');
  let crTotal = 0;
  const queueNames: string[] = [];
  for (const q of queues) {
    const name = str(q.Name);
    queueNames.push(name);
    checkName(name);
    const capacity = q.CapacityType;
    if (capacity !== undefined && !['ONDEMAND', 'SPOT', 'CAPACITY_BLOCK'].includes(str(capacity)))
      fail('BaseQueueSchema.capacity_type', 'Must be one of ONDEMAND, SPOT, CAPACITY_BLOCK');
    const strategy = q.AllocationStrategy;
    if (strategy !== undefined && !ALLOCATION_STRATEGIES.includes(str(strategy)))
      fail(
        'SlurmQueueSchema.allocation_strategy',
        `Must be one of: ${ALLOCATION_STRATEGIES.join(', ')}`,
      );
    const subnets = list(obj(q.Networking).SubnetIds).map(str);
    if (subnets.length < 1)
      fail('SlurmQueueNetworkingSchema.subnet_ids', 'Shorter than minimum length 1.');
    for (const s of subnets)
      if (!SUBNET_ID.test(s))
        fail('SlurmQueueNetworkingSchema.subnet_ids', 'String does not match expected pattern.');
    if (new Set(subnets).size < subnets.length)
      fail('QueueSubnetsValidator', `subnets specified multiple times in queue '${name}'`);
    const crs = list(q.ComputeResources).map(obj);
    crTotal += crs.length;
    if (crs.length > MAX_CR_PER_QUEUE) fail('MaxCountValidator', 'ComputeResources per Queue');
    const crNames: string[] = [];
    let anySingleType = false;
    for (const cr of crs) {
      crNames.push(str(cr.Name));
      checkName(str(cr.Name));
      const hasType = cr.InstanceType !== undefined;
      const instances = list(cr.Instances).map((i) => str(obj(i).InstanceType));
      if (hasType && cr.Instances !== undefined)
        fail(
          'SlurmComputeResourceSchema',
          'A Compute Resource needs to specify either InstanceType or Instances.',
        );
      if (!hasType && instances.length === 0)
        fail(
          'SlurmComputeResourceSchema',
          'A Compute Resource needs to specify Instances, InstanceType or CapacityReservationId.',
        );
      if (new Set(instances).size < instances.length)
        fail('SlurmComputeResourceSchema.instances', 'Duplicate instance type detected.');
      if (hasType && cr.Instances === undefined) anySingleType = true;
      // InstancesAllocationStrategyValidator, registered for SlurmFlexibleComputeResource only.
      if (
        cr.Instances !== undefined &&
        (capacity ?? 'ONDEMAND') === 'ONDEMAND' &&
        strategy !== undefined &&
        strategy !== 'lowest-price'
      )
        fail(
          'InstancesAllocationStrategyValidator',
          "OnDemand CapacityType can only use 'lowest-price' allocation strategy.",
        );
      for (const t of hasType ? [str(cr.InstanceType)] : instances)
        openRm(t, `${name}/${str(cr.Name)}`);
      const max = cr.MaxCount ?? 10;
      const min = cr.MinCount ?? 0;
      if (!isInt(max) || max < 1)
        fail('SlurmComputeResourceSchema.max_count', 'Must be greater than or equal to 1.');
      if (!isInt(min) || min < 0)
        fail('SlurmComputeResourceSchema.min_count', 'Must be greater than or equal to 0.');
      if (isInt(max) && isInt(min) && max < min)
        fail(
          'ComputeResourceSizeValidator',
          'Max count must be greater than or equal to min count.',
        );
    }
    if (anySingleType && subnets.length > 1)
      fail(
        'SingleInstanceTypeSubnetValidator',
        `queue '${name}' uses ComputeResource/InstanceType with multiple subnets`,
      );
    duplicates(crNames, 'Compute resource');
  }
  duplicates(queueNames, 'Queue');
  if (crTotal > MAX_CR_PER_CLUSTER) fail('MaxCountValidator', 'ComputeResources per Cluster');

  // SharedStorage
  const storage = list(doc.SharedStorage).map(obj);
  duplicates(
    storage.map((s) => str(s.Name)),
    'Shared Storage',
  );
  for (const s of storage) {
    const name = str(s.Name);
    if (
      !NAME_REGEX.test(name) ||
      name.length > SHARED_STORAGE_NAME_MAX_LENGTH ||
      name === 'default'
    )
      fail('SharedStorageNameValidator', `Invalid name '${name}'.`);
    const mount = str(s.MountDir).startsWith('/') ? str(s.MountDir) : `/${str(s.MountDir)}`;
    if (RESERVED_MOUNT_DIRS.has(mount))
      fail('SharedStorageMountDirValidator', `${mount} is reserved`);
    if (s.StorageType === 'Ebs') {
      const ebs = obj(s.EbsSettings);
      const type = str(ebs.VolumeType) || 'gp3';
      const bounds = EBS_SIZE_BOUNDS[type];
      if (
        ebs.Size !== undefined &&
        bounds &&
        (!isInt(ebs.Size) || ebs.Size < bounds[0] || ebs.Size > bounds[1])
      )
        fail(
          'EbsVolumeTypeSizeValidator',
          `The size of ${type} volumes must be ${bounds[0]}..${bounds[1]} GiB.`,
        );
    }
    if (s.StorageType === 'FsxLustre') {
      if (FSX_LUSTRE_UNSUPPORTED_REGIONS.some((p) => region.startsWith(p)))
        fail('FeatureRegionValidator', `FSx Lustre is not supported in region '${region}'.`);
      const id = obj(s.FsxLustreSettings).FileSystemId;
      if (id !== undefined && !FSX_LUSTRE_ID.test(str(id)))
        fail('FsxLustreSettingsSchema.file_system_id', 'String does not match expected pattern.');
    }
  }

  // Tags: common_schema.py validate_no_reserved_tag
  for (const t of list(doc.Tags).map(obj))
    if (str(t.Key).startsWith('parallelcluster:')) fail('ClusterSchema.tags', 'reserved prefix');
  return out;

  function checkName(name: string) {
    if (!NAME_REGEX.test(name) || name.length > NAME_MAX_LENGTH || name === 'default')
      fail('NameValidator', `Invalid name '${name}'.`);
  }
  function duplicates(names: string[], what: string) {
    if (new Set(names).size < names.length)
      fail('DuplicateNameValidator', `${what} names must be unique.`);
  }
  function checkCidrOrPrefixList(field: string, v: unknown) {
    if (!CIDR.test(str(v)) && !PREFIX_LIST.test(str(v)))
      fail(field, 'neither a valid CIDR nor a valid prefix-list');
  }
}
