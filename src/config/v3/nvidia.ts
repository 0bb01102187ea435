import { shellQuote } from '../../shell/quote.js';
import type { Release } from './releases.js';

// constants.py NVIDIA_OPENRM_UNSUPPORTED_INSTANCE_TYPES (v3.11.1): since 3.8 the official AMIs carry
// the open-source NVIDIA kernel module, which needs a GSP (Turing or newer); from 3.9
// InstanceTypeBaseAMICompatibleValidator fails these families on any "AWS ParallelCluster AMI".
const OPENRM_UNSUPPORTED_FAMILIES: readonly string[] = ['p3', 'p3dn', 'p2', 'g3', 'g3s', 'g2'];

/** Whether ParallelCluster's official AMIs cannot drive this type's GPUs (V100, K80, M60, ...). */
export function isOpenRmUnsupported(instanceType: string): boolean {
  return OPENRM_UNSUPPORTED_FAMILIES.includes(instanceType.split('.')[0] ?? '');
}

// The driver branch each release's AMIs install (release notes: 3.11.0 550.90.07, 3.12.0
// 550.127.08, 3.13.0 570.86.15, 3.14.0 570.172.08, 3.15.0 580, 3.16.0 595; 3.16.3 595.112.07).
const DRIVER_BRANCH: Readonly<Record<number, number>> = {
  11: 550,
  12: 550,
  13: 570,
  14: 570,
  15: 580,
  16: 595,
};
// NVIDIA's R580 release notes: 580 is the last driver branch that supports Maxwell, Pascal and Volta.
const LAST_VOLTA_BRANCH = 580;

/**
 * A 580 driver for V100s on releases whose own driver no longer drives them. ParallelCluster's
 * cookbook shipped it (aws-parallelcluster-cookbook CHANGELOG: "Upgrade NVIDIA driver to version
 * 580.173.02"), so its installer is in ParallelCluster's shared artifacts bucket, where the
 * cookbook's nvidia_driver resource fetches `NVIDIA-Linux-x86_64-<driver_version>.run`.
 */
export const VOLTA_DRIVER_VERSION = '580.173.02';

/** The driver to pin for V100s on release `r`, or undefined when its own driver drives them. */
export function voltaDriverPin(r: Release): string | undefined {
  const branch = DRIVER_BRANCH[r.minor] ?? Infinity;
  return branch > LAST_VOLTA_BRANCH ? VOLTA_DRIVER_VERSION : undefined;
}

/** Whether `version` is a driver of the last branch that drives V100s. */
export function drivesVolta(version: string): boolean {
  return Number(version.split('.')[0]) <= LAST_VOLTA_BRANCH;
}

/**
 * The cookbook attributes `pcluster build-image` passes on (DevSettings/Cookbook/ExtraChefAttributes)
 * for an AMI that drives V100s: the driver installed at all (build-image sets
 * `nvidia.enabled = "no"` unless the attributes name `nvidia`, imagebuilder_config.py
 * ImageBuilderExtraChefAttributes), NVIDIA's closed kernel module (`kernel_open`, cookbook 3.9.0
 * CHANGELOG; _nvidia_driver_common.rb nvidia_kernel_module), and a 580 driver where the release's
 * own one is newer (`driver_version`, attributes/platform.rb).
 */
export function voltaChefAttributes(r: Release, driver = voltaDriverPin(r)): string {
  const nvidia = {
    enabled: 'yes',
    kernel_open: 'false',
    ...(driver ? { driver_version: driver } : {}),
  };
  return JSON.stringify({ cluster: { nvidia } });
}

/** The image id `config image --preset P` writes, so the commands printed agree. */
export function presetImageId(preset: string): string {
  return `cluster-tool-${preset}`;
}

// How the OS makers name the plain AMI a custom one is built from.
const OS_NAMES: Readonly<Record<string, string>> = {
  alinux2: 'Amazon Linux 2',
  alinux2023: 'Amazon Linux 2023',
  ubuntu2004: 'Ubuntu 20.04',
  ubuntu2204: 'Ubuntu 22.04',
  ubuntu2404: 'Ubuntu 24.04',
  rhel8: 'RHEL 8',
  rhel9: 'RHEL 9',
  rocky8: 'Rocky Linux 8',
  rocky9: 'Rocky Linux 9',
};

/** What config init and check say when V100s would boot from ParallelCluster's official AMI. */
export function openRmMessage(
  instanceType: string,
  where: { preset: string; bucket: string; region: string; os: string; pclusterVersion?: string },
): string {
  const q = (v: string) => shellQuote(v, 'value', { multiline: true });
  const release = where.pclusterVersion ? ` --pcluster-version ${q(where.pclusterVersion)}` : '';
  const parent = `${where.os.toUpperCase()}_BASE_AMI`;
  const out = 'image.yaml';
  return (
    `${instanceType}'s GPUs (V100, K80, M60) need NVIDIA's closed kernel module, and ParallelCluster's official AMIs carry the open one ` +
    `(3.8 and later; InstanceTypeBaseAMICompatibleValidator). Make an AMI that drives them, then give its id with --custom-ami:\n` +
    `    1. cluster-tool config image --preset ${where.preset}${release} --bucket ${q(where.bucket)} --region ${q(where.region)} --parent-image ${parent} --out ${out}\n` +
    `    2. pcluster build-image --image-id ${presetImageId(where.preset)} --image-configuration ${out} --region ${q(where.region)}\n` +
    `    (${parent}: the plain ${OS_NAMES[where.os] ?? where.os} AMI of ${where.region}, not a ParallelCluster one, whose open driver the build would keep; ` +
    `\`cluster-tool stage\` uploads the image.sh the build runs.) Or pick a Turing-or-newer type (g4dn, g5, g6, g6e, p4d, p5)`
  );
}

/** The flag `pcluster create-cluster` needs for V100s on such an AMI: the validator cannot tell its driver. */
export const OPENRM_SUPPRESS_FLAG =
  '--suppress-validators type:InstanceTypeBaseAMICompatibleValidator';

/** The AMI tag `config image` writes on an AMI built with the closed module, for `config check --aws`. */
export const KERNEL_MODULE_TAG = 'cluster-tool:nvidia-kernel-module';
