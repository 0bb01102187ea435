import { z } from 'zod';
import type { Problem } from './problems.js';

/**
 * Which node operating systems can run what cluster-tool ships, decided before the cluster is
 * created (a Node.js that cannot start fails the bootstrap, and ParallelCluster the node).
 *
 * glibc of each OS's own libc package:
 *   Amazon Linux 2 glibc 2.26, Amazon Linux 2023 glibc 2.34 (the distributions' package lists);
 *   Ubuntu 16.04 2.23, 18.04 2.27, 20.04 2.31, 22.04 2.35, 24.04 2.39 (packages.ubuntu.com, libc6);
 *   RHEL/Rocky 8 2.28, RHEL/Rocky 9 2.34, CentOS 7 2.17, CentOS 8 2.28 (the glibc RPMs);
 *   Amazon Linux 1 (`alinux`, ParallelCluster 2.x only) 2.17.
 * What runs there: official Node.js 18+ Linux builds need glibc >= 2.28 (nodejs/node
 * BUILDING.md, "Platform list": GNU/Linux x64, kernel >= 4.18, glibc >= 2.28); the
 * linux-x64-glibc-217 builds on unofficial-builds.nodejs.org run on glibc 2.17. Blender 4.x
 * official builds also need glibc 2.28 (Blender 4.0 release notes, Linux platform).
 */
export const OS_GLIBC: Readonly<Record<string, readonly [number, number]>> = {
  alinux: [2, 17],
  alinux2: [2, 26],
  alinux2023: [2, 34],
  centos7: [2, 17],
  centos8: [2, 28],
  ubuntu1604: [2, 23],
  ubuntu1804: [2, 27],
  ubuntu2004: [2, 31],
  ubuntu2204: [2, 35],
  ubuntu2404: [2, 39],
  rhel8: [2, 28],
  rocky8: [2, 28],
  rhel9: [2, 34],
  rocky9: [2, 34],
};

/** The Node.js builds the bundle can carry (`--node-runtime`). */
export const NodeRuntimeSchema = z.enum(['glibc-228', 'glibc-217']);
export type NodeRuntime = z.infer<typeof NodeRuntimeSchema>;
export const NODE_RUNTIME_VALUES = NodeRuntimeSchema.options;

/** The glibc each build needs. */
export const NODE_RUNTIMES: Record<NodeRuntime, { glibc: readonly [number, number] }> = {
  /** nodejs.org's official linux-x64 build. */
  'glibc-228': { glibc: [2, 28] },
  /** unofficial-builds.nodejs.org's linux-x64-glibc-217 build. */
  'glibc-217': { glibc: [2, 17] },
};
/** The official build, unless the OS needs the other. */
export const DEFAULT_NODE_RUNTIME: NodeRuntime = 'glibc-228';

const atLeast = (have: readonly [number, number], need: readonly [number, number]) =>
  have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]);
const show = (v: readonly [number, number]) => `${v[0]}.${v[1]}`;

/** The OSes, in the table's order, whose glibc runs the given runtime (for "pick --os X"). */
export function osesFor(runtime: NodeRuntime, among: readonly string[]): string[] {
  return among.filter((os) => {
    const g = OS_GLIBC[os];
    return g !== undefined && atLeast(g, NODE_RUNTIMES[runtime].glibc);
  });
}

/**
 * Problems with running the chosen Node.js build on `os`: an error when its glibc is too old
 * (with both ways out), a warning when Blender 4.x will not start there either. An OS this
 * table does not know is left to ParallelCluster.
 */
export function checkOsSupport(
  os: string,
  runtime: NodeRuntime,
  paths: { os: string; runtime: string },
  oses: readonly string[],
): Problem[] {
  const glibc = OS_GLIBC[os];
  if (!glibc) return [];
  const need = NODE_RUNTIMES[runtime].glibc;
  const problems: Problem[] = [];
  if (!atLeast(glibc, need)) {
    const other = osesFor(runtime, oses).slice(0, 3).join(', ');
    const pick = other ? `pick --os ${other}` : '';
    const older =
      '--node-runtime glibc-217 and stage a glibc-2.17 Node.js build with `stage --node-tarball FILE` (linux-x64-glibc-217 from unofficial-builds.nodejs.org)';
    problems.push({
      level: 'error',
      path: runtime === DEFAULT_NODE_RUNTIME ? paths.os : paths.runtime,
      message:
        `${os} has glibc ${show(glibc)}, and the ${runtime} Node.js build needs ${show(need)}: the node bootstrap would fail. ` +
        // Every OS the format accepts may be too old for the official build (2.x): then only the other build helps.
        (runtime === 'glibc-217' ? pick : pick ? `${pick}, or ${older}` : `use ${older}`),
    });
  }
  if (!atLeast(glibc, [2, 28]))
    problems.push({
      level: 'warning',
      path: paths.os,
      message: `${os} has glibc ${show(glibc)}: Blender 4.x official builds need 2.28, so stage a Blender 3.6 LTS build (\`stage --blender-tarball FILE\`) for rendering there`,
    });
  return problems;
}

/**
 * A warning when the head node's OS has an older glibc than the tool's own native modules need
 * (`need`, read from the modules installed here: the ones `stage` packs). Not an error: `stage`
 * may run on another machine, with other builds of them.
 */
export function checkToolGlibc(
  os: string,
  need: string | undefined,
  path: string,
  oses: readonly string[],
): Problem[] {
  const glibc = OS_GLIBC[os];
  const [major, minor] = (need ?? '').split('.').map(Number);
  if (!glibc || major === undefined || minor === undefined || Number.isNaN(minor)) return [];
  if (atLeast(glibc, [major, minor])) return [];
  const fit = oses.filter((o) => atLeast(OS_GLIBC[o] ?? [0, 0], [major, minor])).slice(0, 3);
  return [
    {
      level: 'warning',
      path,
      message:
        `${os} has glibc ${show(glibc)}, and the coordinator's SQLite module as installed here needs ${need}: ` +
        `the head node's bootstrap stops there unless \`stage\` runs where that module is built for glibc ${show(glibc)}` +
        (fit.length ? `; or pick --os ${fit.join(', ')}` : ''),
    },
  ];
}
