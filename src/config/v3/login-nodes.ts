import type { Problem } from '../problems.js';
import { showRelease, type Release } from './releases.js';

// 3.14.0 deprecated LoginNodes/Pools/Ssh/KeyName (aws-parallelcluster's known issue "Cannot SSH
// into LoginNodes with a Key that differs from the HeadNode's": the head node's authorized_keys,
// on the shared /home, wins); 3.15.0 removed it, and its schema refuses the key with "Starting
// with ParallelCluster 3.15, the KeyName parameter is no longer supported for Login Nodes".
const KEYNAME_DEPRECATED_FROM = 14;
const KEYNAME_REMOVED_FROM = 15;

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * What release `r` says of the login node pools in a file: cluster-tool writes none, but checks a
 * file that has them. A pool's own SSH key is refused from 3.15 and deprecated in 3.14.
 */
export function checkLoginNodes(doc: unknown, r: Release): Problem[] {
  const pools = obj(doc).LoginNodes;
  const list = Array.isArray(obj(pools).Pools) ? (obj(pools).Pools as unknown[]) : [];
  const out: Problem[] = [];
  list.forEach((pool, i) => {
    if (obj(obj(pool).Ssh).KeyName === undefined || r.minor < KEYNAME_DEPRECATED_FROM) return;
    const removed = r.minor >= KEYNAME_REMOVED_FROM;
    out.push({
      level: removed ? 'error' : 'warning',
      path: `LoginNodes.Pools[${i}].Ssh.KeyName`,
      message:
        (removed
          ? `ParallelCluster 3.15 removed this key and ${showRelease(r)} refuses it (3.15.0 release notes): remove it`
          : `ParallelCluster 3.14 deprecates this key and 3.15 refuses it: remove it`) +
        "; login nodes take the head node's key pair (HeadNode.Ssh.KeyName)",
    });
  });
  return out;
}
