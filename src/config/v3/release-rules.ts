import type { CapacityType, Os } from '../spec.js';
import { OLDEST_MINOR, showRelease, type Release } from './releases.js';

/** `a, b or c`. */
const either = (xs: readonly string[]) =>
  xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1] ?? ''}`;

/*
 * What changed between ParallelCluster 3.11 and 3.16 in the rules cluster-tool checks, each with
 * its source. 3.11.1's own values come from aws/aws-parallelcluster at tag v3.11.1
 * (cli/src/pcluster/constants.py, cli/src/pcluster/cli/commands/dcv_util.py,
 * cli/src/pcluster/config/cluster_config.py); later ones from each release's notes (CHANGELOG).
 */

interface OsLife {
  /** The first minor that accepts it in Image.Os. */
  from: number;
  /** The last minor that accepts it. */
  to?: number;
  /** Why it starts or stops, for messages. */
  change?: string;
}

const OS_LIFE: Readonly<Record<Os, OsLife>> = {
  // v3.11.1 constants.py SUPPORTED_OSES.
  alinux2: { from: 0 },
  alinux2023: { from: 10 },
  ubuntu2004: {
    from: 0,
    to: 13,
    // 3.14.0 changelog: "Ubuntu 20.04 is no longer supported".
    change:
      'ParallelCluster 3.14 dropped ubuntu2004 (3.14.0 release notes: Ubuntu 20.04 is no longer supported)',
  },
  ubuntu2204: { from: 7 },
  // 3.13.0 changelog: "Add support for Ubuntu 24.04".
  ubuntu2404: {
    from: 13,
    change: 'ubuntu2404 came in ParallelCluster 3.13 (3.13.0 release notes)',
  },
  rhel8: { from: 6 },
  rocky8: { from: 8 },
  rhel9: { from: 9 },
  rocky9: { from: 9 },
  // 3.10.0 changelog: "CentOS 7 is no longer supported".
  centos7: {
    from: 0,
    to: 9,
    change: 'ParallelCluster 3.10 dropped centos7 (3.10.0 release notes)',
  },
};

/** `Image.Os` values a release accepts (constants.py SUPPORTED_OSES of that release). */
export function releaseOses(r: Release): Os[] {
  return (Object.keys(OS_LIFE) as Os[]).filter((os) => {
    const life = OS_LIFE[os];
    return life.from <= r.minor && (life.to === undefined || r.minor <= life.to);
  });
}

/**
 * Why `os` is refused by release `r`, naming the release that changed it and what to pick; undefined
 * when `r` accepts it.
 */
export function osRefusal(os: Os, r: Release): string | undefined {
  const oses = releaseOses(r);
  if (oses.includes(os)) return undefined;
  const life = OS_LIFE[os];
  const pick = ['ubuntu2204', 'ubuntu2404', 'alinux2023'].filter((o) => oses.includes(o as Os));
  const pinned =
    life.to === undefined
      ? `, or write for --pcluster-version 3.${life.from} or later`
      : life.to >= OLDEST_MINOR
        ? `, or write for --pcluster-version 3.${life.to} if your clusters stay on that release`
        : '';
  return (
    `${life.change ?? `ParallelCluster ${showRelease(r)} does not accept Image.Os "${os}"`}; ` +
    `ParallelCluster ${showRelease(r)} takes ${oses.join(', ')}: pick --os ${either(pick)}${pinned}`
  );
}

// Amazon DCV on Amazon Linux 2023: 3.14.0 release notes ("Amazon DCV support on Amazon Linux 2023");
// before it, v3.11.1 dcv_util.py UNSUPPORTED_OSES_FOR_DCV = ["alinux2023"].
const DCV_ALINUX2023_FROM = 14;
// v3.11.1 dcv_util.py get_supported_dcv_os arm64; 3.12.0 release notes add Ubuntu 22.04 on ARM.
const DCV_ARM64 = ['alinux2', 'rhel8', 'rocky8', 'rhel9', 'rocky9'] as const;
const DCV_ARM64_UBUNTU2204_FROM = 12;

/** OSes Amazon DCV runs on in release `r`, by head node architecture (DcvValidator). */
export function dcvOses(r: Release, arch: string): Os[] {
  if (arch === 'x86_64')
    return releaseOses(r).filter((os) => os !== 'alinux2023' || r.minor >= DCV_ALINUX2023_FROM);
  if (arch === 'arm64')
    return [
      ...DCV_ARM64,
      ...(r.minor >= DCV_ARM64_UBUNTU2204_FROM ? (['ubuntu2204'] as const) : []),
    ];
  return [];
}

/** The message for a head node OS DCV does not run on in release `r`. */
export function dcvRefusal(os: Os, r: Release, arch: string): string {
  const oses = dcvOses(r, arch);
  const why =
    os === 'alinux2023' && arch === 'x86_64'
      ? `Amazon DCV runs on alinux2023 from ParallelCluster 3.${DCV_ALINUX2023_FROM} on (3.14.0 release notes; DcvValidator before it)`
      : `Amazon DCV does not run on ${os} on ${arch} in ParallelCluster ${showRelease(r)} (DcvValidator)`;
  const later =
    os === 'alinux2023' && r.minor < DCV_ALINUX2023_FROM
      ? `, or write for --pcluster-version 3.${DCV_ALINUX2023_FROM} or later`
      : '';
  return `${why}, and cluster-tool's viewer needs DCV: pick --os ${either(oses.slice(0, 4))}${later}`;
}

/** `SlurmQueues[].AllocationStrategy` values, with the capacity type each is for. */
export type AllocationStrategy =
  | 'lowest-price'
  | 'capacity-optimized'
  | 'price-capacity-optimized'
  | 'prioritized'
  | 'capacity-optimized-prioritized';

interface StrategyRule {
  from: number;
  capacity: readonly CapacityType[];
}

const STRATEGIES: Readonly<Record<AllocationStrategy, StrategyRule>> = {
  // v3.11.1 cluster_config.py AllocationStrategy; InstancesAllocationStrategyValidator: on-demand
  // takes lowest-price only. price-capacity-optimized came in 3.10.0.
  'lowest-price': { from: 0, capacity: ['ONDEMAND', 'SPOT'] },
  'capacity-optimized': { from: 0, capacity: ['SPOT'] },
  'price-capacity-optimized': { from: 10, capacity: ['SPOT'] },
  // 3.14.0 release notes: `prioritized` for on-demand and `capacity-optimized-prioritized` for spot,
  // launching in the order of the queue's SubnetIds.
  prioritized: { from: 14, capacity: ['ONDEMAND'] },
  'capacity-optimized-prioritized': { from: 14, capacity: ['SPOT'] },
};

/** Every strategy any release takes (the flag's choices). */
export const ALLOCATION_STRATEGIES = Object.keys(STRATEGIES) as AllocationStrategy[];

/**
 * What is wrong with `strategy` on a queue of `capacity` in release `r`: undefined when it is
 * fine. `capacityOnly` marks a strategy the release knows but not for this capacity type, which
 * InstancesAllocationStrategyValidator refuses only where types are listed under `Instances`.
 */
export function strategyProblem(
  strategy: string,
  capacity: CapacityType,
  r: Release,
): { level: 'error' | 'warning'; message: string; capacityOnly: boolean } | undefined {
  const rule = STRATEGIES[strategy as AllocationStrategy] as StrategyRule | undefined;
  const known = ALLOCATION_STRATEGIES.filter((s) => STRATEGIES[s].from <= r.minor);
  if (!rule || rule.from > r.minor)
    return {
      level: 'error',
      capacityOnly: false,
      message:
        (rule
          ? `AllocationStrategy ${strategy} came in ParallelCluster 3.${rule.from}; write for --pcluster-version 3.${rule.from} or later, or use `
          : `"${strategy}" is not an AllocationStrategy; use `) + known.join(', '),
    };
  if (!rule.capacity.includes(capacity)) {
    const fits = known.filter((s) => STRATEGIES[s].capacity.includes(capacity));
    return {
      level: 'error',
      capacityOnly: true,
      message: `AllocationStrategy ${strategy} is for ${rule.capacity.join('/')} capacity, and this queue is ${capacity} (InstancesAllocationStrategyValidator); use ${fits.join(' or ')}, or change --capacity-type`,
    };
  }
  return undefined;
}
