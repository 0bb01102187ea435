import { z } from 'zod';

/**
 * Types of the ParallelCluster 3 keys cluster-tool reads and writes. Objects are loose: a key
 * that is valid for ParallelCluster but not modelled here passes (`known-keys.ts` decides which
 * keys exist); what is modelled must have the right type, so `MinCount: "1"` is an error.
 */
const Script = z.object({ Script: z.string(), Args: z.array(z.string()).optional() }).loose();
const S3Access = z
  .object({
    BucketName: z.string(),
    EnableWriteAccess: z.boolean().optional(),
    KeyName: z.string().optional(),
  })
  .loose();
const Iam = z
  .object({
    S3Access: z.array(S3Access).optional(),
    AdditionalIamPolicies: z.array(z.object({ Policy: z.string() })).optional(),
  })
  .loose();
const SlurmSettingsDict = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const ComputeResourceV3 = z
  .object({
    Name: z.string(),
    // One of the two (SlurmComputeResourceSchema); read.ts says which one a queue needs.
    InstanceType: z.string().optional(),
    Instances: z
      .array(z.object({ InstanceType: z.string() }).loose())
      .min(1)
      .optional(),
    MinCount: z.number().int().min(0).optional(),
    MaxCount: z.number().int().min(1).optional(),
    CustomSlurmSettings: SlurmSettingsDict.optional(),
  })
  .loose();

export const SlurmQueueV3 = z
  .object({
    Name: z.string(),
    CapacityType: z.enum(['ONDEMAND', 'SPOT', 'CAPACITY_BLOCK']).optional(),
    // Which values a release takes is `release-rules.ts`'s decision.
    AllocationStrategy: z.string().optional(),
    Networking: z.object({ SubnetIds: z.array(z.string()).min(1) }).loose(),
    ComputeResources: z.array(ComputeResourceV3).min(1),
    CustomActions: z
      .object({ OnNodeConfigured: Script.optional(), OnNodeStart: Script.optional() })
      .loose()
      .optional(),
    Iam: Iam.optional(),
    CustomSlurmSettings: SlurmSettingsDict.optional(),
  })
  .loose();

export const SharedStorageV3 = z
  .object({
    Name: z.string(),
    MountDir: z.string(),
    StorageType: z.enum(['Ebs', 'Efs', 'FsxLustre', 'FsxOntap', 'FsxOpenZfs', 'FileCache']),
    EbsSettings: z
      .object({ Size: z.number().int().optional(), Encrypted: z.boolean().optional() })
      .loose()
      .optional(),
    FsxLustreSettings: z.object({ FileSystemId: z.string().optional() }).loose().optional(),
  })
  .loose();

export const ClusterConfigV3 = z
  .object({
    Region: z.string().optional(),
    Imds: z
      .object({ ImdsSupport: z.enum(['v1.0', 'v2.0']) })
      .loose()
      .optional(),
    Image: z.object({ Os: z.string(), CustomAmi: z.string().optional() }).loose(),
    Tags: z.array(z.object({ Key: z.string(), Value: z.string() })).optional(),
    HeadNode: z
      .object({
        InstanceType: z.string(),
        Networking: z.object({ SubnetId: z.string() }).loose(),
        Ssh: z
          .object({ KeyName: z.string().optional(), AllowedIps: z.string().optional() })
          .loose()
          .optional(),
        Dcv: z
          .object({
            Enabled: z.boolean(),
            Port: z.number().int().optional(),
            AllowedIps: z.string().optional(),
          })
          .loose()
          .optional(),
        CustomActions: z.object({ OnNodeConfigured: Script.optional() }).loose().optional(),
        Iam: Iam.optional(),
        Imds: z.object({ Secured: z.boolean() }).loose().optional(),
      })
      .loose(),
    Scheduling: z
      .object({
        Scheduler: z.literal('slurm'),
        SlurmSettings: z
          .object({
            ScaledownIdletime: z.number().int().optional(),
            CustomSlurmSettings: z.array(SlurmSettingsDict).optional(),
          })
          .loose()
          .optional(),
        SlurmQueues: z.array(SlurmQueueV3).min(1),
      })
      .loose(),
    SharedStorage: z.array(SharedStorageV3).optional(),
  })
  .loose();

export type ClusterConfigV3 = z.infer<typeof ClusterConfigV3>;
