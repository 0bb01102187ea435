import { z } from 'zod';
import { NodeRuntimeSchema } from './os-support.js';

/**
 * The cluster as cluster-tool thinks of it, independent of ParallelCluster's file format. Presets
 * and flags produce one; `v3/` and `v2/` render it and read it back; `rules.ts` checks it.
 */

/**
 * Operating systems cluster-tool writes in `Image.Os` (v3) or `base_os` (v2). Which of them a
 * release accepts is `v3/release-rules.ts`'s decision, and `v2/rules.ts`'s for 2.8.0.
 */
export const OS_VALUES = [
  'alinux2',
  'alinux2023',
  'ubuntu2004',
  'ubuntu2204',
  'ubuntu2404',
  'rhel8',
  'rhel9',
  'rocky8',
  'rocky9',
  'centos7',
] as const;
export const OsSchema = z.enum(OS_VALUES);
export type Os = z.infer<typeof OsSchema>;

export const CapacityTypeSchema = z.enum(['ONDEMAND', 'SPOT']);
export type CapacityType = z.infer<typeof CapacityTypeSchema>;

export const ComputeResourceSpecSchema = z.object({
  name: z.string(),
  instanceType: z.string(),
  minCount: z.number().int().min(0),
  maxCount: z.number().int().min(1),
});

export const QueueSpecSchema = z.object({
  name: z.string(),
  capacityType: CapacityTypeSchema,
  subnetIds: z.array(z.string()),
  computeResources: z.array(ComputeResourceSpecSchema).min(1),
  /** `AllocationStrategy`; left out, ParallelCluster's default (lowest-price). */
  allocationStrategy: z.string().optional(),
});

/** Shared storage at /shared: a new EBS volume, or an existing FSx for Lustre file system. */
export const StorageSpecSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ebs'),
    sizeGiB: z.number().int().min(1).max(16384),
    mountDir: z.string(),
  }),
  z.object({ type: z.literal('fsx'), fileSystemId: z.string(), mountDir: z.string() }),
]);

export const ClusterSpecSchema = z.object({
  preset: z.string(),
  region: z.string(),
  /** EC2 key pair for SSH; optional in a checked file (SSM and DCV still work), required by init. */
  keyName: z.string().optional(),
  os: OsSchema,
  customAmi: z.string().optional(),
  /** The preset's software lives on a Marketplace AMI (IndeX): a custom AMI is required. */
  requiresCustomAmi: z.boolean(),
  headNode: z.object({ instanceType: z.string(), subnetId: z.string() }),
  queues: z.array(QueueSpecSchema).min(1),
  storage: StorageSpecSchema,
  dcvAllowedCidr: z.string(),
  sshAllowedCidr: z.string(),
  bucket: z.string(),
  /** Needed by ParallelCluster 2.x (`[vpc] vpc_id`); 3.x finds it from the subnets. */
  vpcId: z.string().optional(),
  /** The Node.js build the nodes run (see os-support.ts); the bootstrap scripts get it as arguments. */
  nodeRuntime: NodeRuntimeSchema.optional(),
  /** The ParallelCluster 3 release the file is for (`3.16.3`, `3.14`); v3 only, default in `v3/releases.ts`. */
  pclusterVersion: z.string().optional(),
});

export type ClusterSpec = z.infer<typeof ClusterSpecSchema>;
export type QueueSpec = z.infer<typeof QueueSpecSchema>;
export type ComputeResourceSpec = z.infer<typeof ComputeResourceSpecSchema>;
export type StorageSpec = z.infer<typeof StorageSpecSchema>;

/** Where shared storage is mounted; the coordinator keeps its state under it. */
export const SHARED_MOUNT_DIR = '/shared';
/** DCV's port on the head node (ParallelCluster's default). */
export const DCV_PORT = 8443;
/** Minutes an idle compute node stays before Slurm powers it down. */
export const SCALEDOWN_IDLE_MINUTES = 10;
