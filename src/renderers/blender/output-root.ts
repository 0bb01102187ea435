import path from 'node:path';

/**
 * Where a job's frames may go (`--output DIR`): somewhere the compute nodes see the same files
 * as the head node, and not inside another job's output. Pure: the caller reads the files.
 *
 * Which directories are shared, decided in this order:
 *  1. `/etc/cluster-tool/shared-roots` (one absolute directory a line, `#` comments), when it
 *     exists, lists them: the site's own word, for mounts the rules below cannot see.
 *  2. On a ParallelCluster head node (it has `/etc/parallelcluster/cfnconfig`, which our
 *     bootstrap scripts read too): what the head node exports over NFS (`/etc/exports`:
 *     ParallelCluster exports `/home` and the `/shared` EBS volume there; see
 *     aws/aws-parallelcluster issue 2344 for such an exports file) and the network file systems
 *     it mounts (`nfs`, `nfs4`, `lustre`, `efs` in `/proc/mounts`: FSx for Lustre, EFS).
 *  3. Anywhere else (the local cluster: every "node" is this machine) every directory is shared.
 */

/** The site's list of shared directories; when present it decides alone. */
export const SHARED_ROOTS_FILE = '/etc/cluster-tool/shared-roots';
/** ParallelCluster writes this on its nodes; its presence marks a ParallelCluster head node. */
export const PARALLELCLUSTER_MARK = '/etc/parallelcluster/cfnconfig';

const NETWORK_FS = new Set(['nfs', 'nfs4', 'lustre', 'efs']);

/** Directories the compute nodes share with the head node, or `any` (one machine). */
export type SharedRoots = { any: true } | { any: false; roots: string[]; source: string };

/** What deciding the shared roots reads (each absent when the file is missing). */
export interface SharedRootsInput {
  configured?: string;
  parallelCluster: boolean;
  exports?: string;
  mounts?: string;
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
}

/** Unescapes the octal escapes /proc/mounts and /etc/exports use for spaces (`\040`). */
function unescape(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The shared roots the inputs describe (see the module comment). */
export function sharedRoots(input: SharedRootsInput): SharedRoots {
  if (input.configured !== undefined) {
    const roots = lines(input.configured).filter((l) => path.isAbsolute(l));
    return { any: false, roots, source: SHARED_ROOTS_FILE };
  }
  if (!input.parallelCluster) return { any: true };
  const exported = lines(input.exports ?? '').map((l) => unescape(l.split(/\s+/)[0] ?? ''));
  const mounted = lines(input.mounts ?? '').flatMap((l) => {
    const [, dir, type] = l.split(/\s+/);
    return dir && type && NETWORK_FS.has(type) ? [unescape(dir)] : [];
  });
  const roots = [...new Set([...exported, ...mounted])].filter((r) => path.isAbsolute(r));
  return { any: false, roots, source: '/etc/exports and the network mounts in /proc/mounts' };
}

/** Whether `dir` is `root` or lies below it (both absolute). */
export function isWithin(dir: string, root: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(dir));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Null when `dir` is shared with the compute nodes, else what to do instead. */
export function notSharedReason(dir: string, shared: SharedRoots): string | null {
  if (shared.any || shared.roots.some((r) => isWithin(dir, r))) return null;
  const where = shared.roots.length ? shared.roots.join(', ') : 'none found';
  return (
    `${dir} is not on a file system the compute nodes share with the head node (shared: ` +
    `${where}, from ${shared.source}); choose a directory under one of them, or list the ` +
    `mount in ${SHARED_ROOTS_FILE}`
  );
}

/** Another job's output root, as the coordinator lists it. */
export interface OtherOutput {
  jobId: string;
  root: string;
  /** Still rendering (queued or running). */
  active: boolean;
}

/**
 * Null when a job may write into `root` beside the `others`, else why not. The same root as a
 * finished job is fine (that is a resume); the same root as an active one, or a root inside any
 * other job's output, or one holding an active job's output, is not: two jobs would then write,
 * and tidy partial files, in the same folders.
 */
export function outputConflict(root: string, others: readonly OtherOutput[]): string | null {
  for (const o of others) {
    const same = path.resolve(o.root) === path.resolve(root);
    if (same && o.active)
      return `job ${o.jobId} is still rendering into ${o.root}; wait for it, cancel it, or choose another --output`;
    if (!same && isWithin(root, o.root))
      return `${root} is inside the output of job ${o.jobId} (${o.root}); choose a directory of its own`;
    if (!same && o.active && isWithin(o.root, root))
      return `${root} holds the output of job ${o.jobId} (${o.root}), which is still rendering; choose another --output`;
  }
  return null;
}
