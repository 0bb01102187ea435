/**
 * Syntax checks for the AWS identifiers a cluster config holds. Each returns `undefined` when the
 * value is fine, or a sentence that says what is wrong and what a good value looks like.
 */

const SUBNET = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const AMI = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const VPC = /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/;
// FSx for Lustre ids are fs- and 17 hex digits: ParallelCluster 3's FsxLustreSettingsSchema.file_system_id
// and 2.8.0's ALLOWED_VALUES["fsx_fs_id"] accept no other length (aws/aws-parallelcluster,
// cli/src/pcluster/schemas/cluster_schema.py; v2.8.0 cli/pcluster/config/mappings.py).
const FSX = /^fs-[0-9a-f]{17}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
// family.size; EC2's sizes are a closed set (nano ... 48xlarge, metal, metal-24xl), so a misspelt
// size is caught here even for a family cluster-tool's table does not list.
const INSTANCE_TYPE =
  /^[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|\d+xlarge|metal|metal-\d+xl)$/;
// Key pair names: up to 255 ASCII characters; we also keep them out of quoting trouble.
const KEY_NAME = /^[A-Za-z0-9 ._:/+=@-]{1,255}$/;

/** `subnet-` and 8 or 17 hex digits. */
export function checkSubnetId(v: string): string | undefined {
  return SUBNET.test(v)
    ? undefined
    : `"${v}" is not a subnet id (subnet- and 8 or 17 hex digits, e.g. subnet-0abc1234def567890)`;
}

/** `ami-` and 8 or 17 hex digits. */
export function checkAmiId(v: string): string | undefined {
  return AMI.test(v)
    ? undefined
    : `"${v}" is not an AMI id (ami- and 8 or 17 hex digits, e.g. ami-0abc1234def567890)`;
}

/** `vpc-` and 8 or 17 hex digits. */
export function checkVpcId(v: string): string | undefined {
  return VPC.test(v) ? undefined : `"${v}" is not a VPC id (vpc- and 8 or 17 hex digits)`;
}

/** An existing FSx for Lustre file system id, `fs-` and 17 hex digits. */
export function checkFsxId(v: string): string | undefined {
  return FSX.test(v)
    ? undefined
    : `"${v}" is not an FSx for Lustre file system id (fs- and 17 hex digits, e.g. fs-0123456789abcdef0)`;
}

/** An AWS region code such as us-east-1. */
export function checkRegion(v: string): string | undefined {
  return REGION.test(v)
    ? undefined
    : `"${v}" is not an AWS region code (e.g. us-east-1, eu-west-2)`;
}

/** family.size, e.g. g4dn.xlarge. Whether it exists is for `instance-types.ts` or EC2. */
export function checkInstanceTypeSyntax(v: string): string | undefined {
  return INSTANCE_TYPE.test(v)
    ? undefined
    : `"${v}" is not an EC2 instance type (family.size with a size such as xlarge, 12xlarge or metal, e.g. g4dn.xlarge)`;
}

/** An EC2 key pair name. */
export function checkKeyName(v: string): string | undefined {
  return KEY_NAME.test(v)
    ? undefined
    : `"${v}" is not a usable key pair name (1-255 letters, digits, spaces and . _ - : / + = @)`;
}

/** An IPv4 CIDR block such as 203.0.113.0/24; the address must be the network address. */
export function checkCidr(v: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(v);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || bits > 32) {
    return `"${v}" is not an IPv4 CIDR block (e.g. 203.0.113.0/24, or 203.0.113.7/32 for one address)`;
  }
  const addr = octets.reduce((a, o) => a * 256 + o, 0);
  const hostBits = 2 ** (32 - bits);
  if (addr % hostBits !== 0) {
    const net = addr - (addr % hostBits);
    const dotted = [24, 16, 8, 0].map((s) => Math.floor(net / 2 ** s) % 256).join('.');
    return `"${v}" has host bits set; use ${dotted}/${bits}`;
  }
  return undefined;
}

/**
 * S3's bucket naming rules for general purpose buckets: 3-63 characters, lowercase letters,
 * digits, dots and hyphens, starting and ending with a letter or digit, no "..", not an IP
 * address, none of the reserved prefixes and suffixes.
 */
export function checkBucketName(v: string): string | undefined {
  const bad = (why: string) => `bucket name "${v}" would be rejected by S3: ${why}`;
  if (v.length < 3 || v.length > 63) return bad('it must be 3 to 63 characters long');
  if (!/^[a-z0-9.-]+$/.test(v)) return bad('use only lowercase letters, digits, dots and hyphens');
  if (!/^[a-z0-9]/.test(v) || !/[a-z0-9]$/.test(v))
    return bad('it must start and end with a letter or digit');
  if (v.includes('..') || v.includes('.-') || v.includes('-.'))
    return bad('dots must not be next to a dot or hyphen');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v)) return bad('it must not look like an IP address');
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(v)) return bad('the prefix is reserved');
  if (/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(v)) return bad('the suffix is reserved');
  return undefined;
}

// ParallelCluster 3's NameValidator, for queues and compute resources alike: NAME_REGEX,
// NAME_MAX_LENGTH and the "default" ban (aws/aws-parallelcluster v3.11.1,
// cli/src/pcluster/validators/cluster_validators.py; registered by BaseQueue and BaseComputeResource
// in cli/src/pcluster/config/cluster_config.py).
const PCLUSTER_NAME = /^[a-z][a-z0-9-]*$/;
const PCLUSTER_NAME_MAX = 25;

function checkPclusterName(kind: string, v: string): string | undefined {
  if (!PCLUSTER_NAME.test(v) || v.length > PCLUSTER_NAME_MAX || v === 'default') {
    return `${kind} name "${v}" is not accepted by ParallelCluster (a lowercase letter first, then lowercase letters, digits, hyphens; at most ${PCLUSTER_NAME_MAX} characters; not "default")`;
  }
  return undefined;
}

/** A ParallelCluster 3 Slurm queue name (NameValidator). */
export function checkQueueName(v: string): string | undefined {
  return checkPclusterName('queue', v);
}

/** A ParallelCluster 3 compute resource name: the same rule as queues (NameValidator). */
export function checkComputeResourceName(v: string): string | undefined {
  return checkPclusterName('compute resource', v);
}
