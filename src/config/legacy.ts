import { OS_END_OF_LIFE } from './os-eol.js';

/*
 * The two paths cluster-tool keeps for old platforms, said the same way in `--help`, in `config
 * init`'s output and in the README: the ParallelCluster 2.x file and NVIDIA IndeX's Marketplace
 * AMI. Both end where their OS ended (`os-eol.ts`).
 */

const ended = (os: string) => OS_END_OF_LIFE[os]?.date ?? '?';

/** `--format v2`: the 2.x INI file, for ParallelCluster 2.8.0. */
export const LEGACY_V2_FORMAT =
  `legacy: the 2.x INI file is for ParallelCluster 2.8.0, kept for NVIDIA IndeX's Marketplace AMI; ` +
  `every OS 2.8.0 runs with DCV has ended (CentOS 7 on ${ended('centos7')}, Amazon Linux 2 on ${ended('alinux2')})`;

/** The `index` preset: NVIDIA IndeX on its Marketplace AMI. */
export const LEGACY_INDEX_AMI =
  `legacy: NVIDIA IndeX's Marketplace AMI is ParallelCluster 2.8.0 on Amazon Linux 2, which ended on ${ended('alinux2')}; ` +
  'NVIDIA documents no IndeX image for ParallelCluster 3 (no NGC container to run through Pyxis/enroot, no AMI), so this preset needs an AMI you build with IndeX installed';
