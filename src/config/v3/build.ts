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
import { DEFAULT_RELEASE_TEXT } from './releases.js';
import { needsInstancesList } from './rules.js';
import type { ClusterConfigV3 } from './schema.js';

/** Tag that records which preset a config came from (`config check` needs it). */
export const PRESET_TAG = 'cluster-tool:preset';
/** Tag that records the ParallelCluster release a config was written for (`config check` follows it). */
export const RELEASE_TAG = 'cluster-tool:pcluster-version';

/**
 * Builds a ParallelCluster 3 configuration from a spec. Always: Slurm, DCV on the head node,
 * IMDSv2 only, S3 read on the tool's prefix (write only under jobs/ on the head node), SSM on
 * the head node, and the bootstrap scripts as `OnNodeConfigured` actions. A queue with several
 * subnets names its types under `Instances`, the form ParallelCluster requires there.
 */
export function buildV3(spec: ClusterSpec): ClusterConfigV3 {
  const ssm = `arn:${partitionOf(spec.region)}:iam::aws:policy/AmazonSSMManagedInstanceCore`;
  const read = { BucketName: spec.bucket, KeyName: READ_KEY_PATTERN, EnableWriteAccess: false };
  return {
    Region: spec.region,
    Imds: { ImdsSupport: 'v2.0' },
    Image: { Os: spec.os, ...(spec.customAmi ? { CustomAmi: spec.customAmi } : {}) },
    Tags: [
      { Key: PRESET_TAG, Value: spec.preset },
      { Key: RELEASE_TAG, Value: spec.pclusterVersion ?? DEFAULT_RELEASE_TEXT },
    ],
    HeadNode: {
      InstanceType: spec.headNode.instanceType,
      Networking: { SubnetId: spec.headNode.subnetId },
      Ssh: { ...(spec.keyName ? { KeyName: spec.keyName } : {}), AllowedIps: spec.sshAllowedCidr },
      Dcv: { Enabled: true, Port: DCV_PORT, AllowedIps: spec.dcvAllowedCidr },
      CustomActions: {
        OnNodeConfigured: {
          Script: s3Uri(spec.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.head)),
          Args: bootstrapArgs(spec),
        },
      },
      Iam: {
        S3Access: [
          read,
          { BucketName: spec.bucket, KeyName: WRITE_KEY_PATTERN, EnableWriteAccess: true },
        ],
        AdditionalIamPolicies: [{ Policy: ssm }],
      },
      Imds: { Secured: true },
    },
    Scheduling: {
      Scheduler: 'slurm',
      SlurmSettings: { ScaledownIdletime: SCALEDOWN_IDLE_MINUTES },
      SlurmQueues: spec.queues.map((q) => ({
        Name: q.name,
        CapacityType: q.capacityType,
        ...(q.allocationStrategy !== undefined ? { AllocationStrategy: q.allocationStrategy } : {}),
        Networking: { SubnetIds: q.subnetIds },
        ComputeResources: q.computeResources.map((cr) => ({
          Name: cr.name,
          ...(needsInstancesList(q)
            ? { Instances: [{ InstanceType: cr.instanceType }] }
            : { InstanceType: cr.instanceType }),
          MinCount: cr.minCount,
          MaxCount: cr.maxCount,
        })),
        CustomActions: {
          OnNodeConfigured: {
            Script: s3Uri(spec.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.compute)),
            Args: bootstrapArgs(spec),
          },
        },
        Iam: { S3Access: [read] },
      })),
    },
    SharedStorage: [
      spec.storage.type === 'ebs'
        ? {
            Name: 'shared',
            MountDir: spec.storage.mountDir,
            StorageType: 'Ebs',
            // Snapshot on delete: the coordinator's state and renders live here.
            EbsSettings: {
              VolumeType: 'gp3',
              Size: spec.storage.sizeGiB,
              Encrypted: true,
              DeletionPolicy: 'Snapshot',
            },
          }
        : {
            Name: 'shared',
            MountDir: spec.storage.mountDir,
            StorageType: 'FsxLustre',
            FsxLustreSettings: { FileSystemId: spec.storage.fileSystemId },
          },
    ],
  };
}
