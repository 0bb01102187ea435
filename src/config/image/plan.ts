import { stringify } from 'yaml';
import { z } from 'zod';
import { bootstrapKey, BOOTSTRAP_SCRIPTS, s3Uri } from '../../aws/layout.js';
import { UsageError } from '../../errors.js';
import { checkBucketName } from '../ids.js';
import { partitionOf } from '../partition.js';
import { loadPreset } from '../presets.js';
import {
  drivesVolta,
  isOpenRmUnsupported,
  KERNEL_MODULE_TAG,
  OPENRM_SUPPRESS_FLAG,
  presetImageId,
  voltaChefAttributes,
  voltaDriverPin,
} from '../v3/nvidia.js';
import { DEFAULT_RELEASE_TEXT, parseRelease, showRelease, type Release } from '../v3/releases.js';
import { BuildImageConfigSchema, IMAGE_ID, type BuildImageConfig } from './schema.js';

/** `config image` flags. */
export interface ImageFlags {
  bucket: string;
  region: string;
  parentImage: string;
  instanceType?: string;
  subnetId?: string;
  imageId?: string;
  /** An IAM policy that lets the build instance read the bucket (default: AmazonS3ReadOnlyAccess). */
  iamPolicy?: string;
  /** The preset the AMI is for: one with V100s gets NVIDIA's closed kernel module. */
  preset?: string;
  /** The ParallelCluster release whose `pcluster build-image` runs it; default the current one. */
  pclusterVersion?: string;
  /** The NVIDIA driver for V100s; default a 580 release where the release's own is newer. */
  nvidiaDriver?: string;
}

/** What `config image` writes: the file and the commands to run next. */
export interface ImagePlan {
  imageId: string;
  config: BuildImageConfig;
  text: string;
  warnings: string[];
  next: string[];
}

/** What a preset asks of the AMI: the closed NVIDIA module and its driver, when it has V100s. */
interface GpuNeeds {
  chefAttributes?: string;
  driver?: string;
}

function gpuNeeds(f: ImageFlags, release: Release): GpuNeeds {
  const preset = f.preset === undefined ? undefined : loadPreset(f.preset);
  if (preset?.requiresCustomAmi)
    throw new UsageError(
      `--preset ${preset.name} runs on NVIDIA IndeX's Marketplace AMI, which config image does not build; subscribe to it, or build an AMI with IndeX installed yourself`,
    );
  const volta = preset?.queues.some((q) =>
    q.computeResources.some((cr) => isOpenRmUnsupported(cr.instanceType)),
  );
  if (!volta) {
    if (f.nvidiaDriver !== undefined)
      throw new UsageError(
        `--nvidia-driver is for a preset with V100 GPUs (blender-p3, plenoxels); the AMI of ${preset ? `preset ${preset.name}` : 'no preset'} keeps ParallelCluster's own driver`,
      );
    return {};
  }
  const driver = f.nvidiaDriver ?? voltaDriverPin(release);
  if (driver !== undefined && (!/^\d+\.\d+(\.\d+)?$/.test(driver) || !drivesVolta(driver)))
    throw new UsageError(
      `--nvidia-driver ${driver}: NVIDIA's 580 branch is the last that drives V100s; give a 580 release, e.g. 580.173.02`,
    );
  return { chefAttributes: voltaChefAttributes(release, driver), driver };
}

/**
 * A `pcluster build-image` config that bakes the staged bundle into a custom AMI: one script
 * component, the bucket's `image.sh`, which installs every part. Nodes booted from that AMI
 * find each part installed with the staged SHA-256 and fetch nothing (a later stage's bundle
 * is installed over it). For a preset with V100s it also has ParallelCluster's cookbook build
 * NVIDIA's closed kernel module with a driver that still drives them. Checked against
 * ParallelCluster's build-image schema before it is returned.
 */
export function planImage(f: ImageFlags, outFile = 'image.yaml'): ImagePlan {
  const bad = checkBucketName(f.bucket);
  if (bad) throw new UsageError(`--bucket: ${bad}`);
  if (!/^(ami-[0-9a-f]{8,17}|arn:.+)$/.test(f.parentImage))
    throw new UsageError(
      `--parent-image "${f.parentImage}" is not an AMI id (ami-...) or an Image Builder image ARN; use a ParallelCluster AMI of the OS you give config init (\`pcluster list-official-images\`), or for V100s the plain OS AMI`,
    );
  const release = parseRelease(f.pclusterVersion ?? DEFAULT_RELEASE_TEXT);
  if (typeof release === 'string') throw new UsageError(`--pcluster-version: ${release}`);
  const gpu = gpuNeeds(f, release);
  const imageId = f.imageId ?? (f.preset ? presetImageId(f.preset) : 'cluster-tool-nodes');
  if (!IMAGE_ID.test(imageId))
    throw new UsageError(
      `--image-id "${imageId}": a letter, then up to 127 letters, digits and hyphens`,
    );
  if (f.subnetId !== undefined && !/^subnet-[0-9a-f]{8,17}$/.test(f.subnetId))
    throw new UsageError(`--subnet "${f.subnetId}" is not a subnet id (subnet-...)`);
  const warnings: string[] = [];
  const policy =
    f.iamPolicy ?? `arn:${partitionOf(f.region)}:iam::aws:policy/AmazonS3ReadOnlyAccess`;
  if (!f.iamPolicy)
    warnings.push(
      'warning: --iam-policy: the build instance gets AmazonS3ReadOnlyAccess to fetch the bundle (ParallelCluster grants read of the script alone); give a policy limited to the bucket to narrow it',
    );
  if (gpu.chefAttributes)
    warnings.push(
      // The cookbook installs a driver only where none is (nvidia_driver: `creates /usr/bin/nvidia-smi`).
      `warning: --parent-image: give the plain OS AMI (e.g. Canonical's Ubuntu 22.04), not a ParallelCluster one: on that the open driver is installed already and the build keeps it. Run it with ParallelCluster ${showRelease(release)}'s pcluster`,
    );
  const config: BuildImageConfig = {
    Region: f.region,
    Image: {
      Name: imageId,
      Tags: [
        {
          Key: 'cluster-tool:baked',
          Value: s3Uri(f.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.bundle)),
        },
        ...(gpu.chefAttributes ? [{ Key: KERNEL_MODULE_TAG, Value: 'closed' }] : []),
      ],
    },
    Build: {
      InstanceType: f.instanceType ?? 'g4dn.xlarge',
      ParentImage: f.parentImage,
      ...(f.subnetId ? { SubnetId: f.subnetId } : {}),
      Components: [
        { Type: 'script', Value: s3Uri(f.bucket, bootstrapKey(BOOTSTRAP_SCRIPTS.image)) },
      ],
      Iam: { AdditionalIamPolicies: [{ Policy: policy }] },
      Imds: { ImdsSupport: 'v2.0' },
    },
    ...(gpu.chefAttributes
      ? { DevSettings: { Cookbook: { ExtraChefAttributes: gpu.chefAttributes } } }
      : {}),
  };
  const checked = BuildImageConfigSchema.safeParse(config);
  if (!checked.success)
    throw new Error(
      `generated build-image config does not pass its schema: ${z.prettifyError(checked.error)}`,
    );
  const what = gpu.chefAttributes
    ? ` with NVIDIA's closed kernel module${gpu.driver ? ` and driver ${gpu.driver}` : ''} for V100s`
    : '';
  const text =
    `# Generated by cluster-tool (config image${f.preset ? ` --preset ${f.preset}` : ''} --pcluster-version ${showRelease(release)}): ` +
    `bakes s3://${f.bucket}/${bootstrapKey(BOOTSTRAP_SCRIPTS.bundle)} into an AMI${what}.\n` +
    stringify(config);
  return {
    imageId,
    config,
    text,
    warnings,
    next: [
      `cluster-tool stage --bucket ${f.bucket} ...   # the bundle and image.sh the build installs`,
      `pcluster build-image --image-id ${imageId} --image-configuration ${outFile} --region ${f.region}`,
      `pcluster describe-image --image-id ${imageId} --region ${f.region}   # ec2AmiInfo.amiId once BUILD_COMPLETE`,
      `cluster-tool config init${f.preset ? ` --preset ${f.preset}` : ''} ... --custom-ami AMI_ID   # nodes then skip every install step` +
        (gpu.chefAttributes ? `; its create-cluster command carries ${OPENRM_SUPPRESS_FLAG}` : ''),
    ],
  };
}
