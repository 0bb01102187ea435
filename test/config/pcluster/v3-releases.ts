import { parse, stringify } from 'yaml';
import { pclusterV3Errors, type PclusterFailure } from './v3-validators.js';

/**
 * What ParallelCluster 3.12 to 3.16 changed in the checks ./v3-validators.ts re-states for 3.11.1,
 * for tests, from each release's notes: 3.13.0 adds ubuntu2404; 3.14.0 drops ubuntu2004, runs DCV
 * on alinux2023 and adds the prioritized allocation strategies; 3.15.0 refuses
 * LoginNodes/Pools/Ssh/KeyName. A value newer than 3.11 is read as its 3.11 equivalent (ubuntu2404
 * as ubuntu2204, prioritized as lowest-price, capacity-optimized-prioritized as
 * capacity-optimized), so every other 3.11.1 check still applies to it. Like ./v3-validators.ts,
 * it shares no code with src/config.
 */

type Dict = Record<string, unknown>;
const obj = (v: unknown): Dict =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Dict) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

// 3.14.0 release notes: capacity-optimized-prioritized for spot, prioritized for on-demand.
const NEW_STRATEGIES: Record<string, { asOf311: string; capacity: string }> = {
  prioritized: { asOf311: 'lowest-price', capacity: 'ONDEMAND' },
  'capacity-optimized-prioritized': { asOf311: 'capacity-optimized', capacity: 'SPOT' },
};

/** The ERROR-level failures ParallelCluster 3.`minor` would report for a YAML config. */
export function pclusterV3ErrorsFor(minor: number, text: string): PclusterFailure[] {
  if (minor <= 11) return pclusterV3Errors(text);
  const doc = obj(parse(text));
  const image = obj(doc.Image);
  const os = image.Os;
  const extra: PclusterFailure[] = [];
  const as311 = structuredClone(doc);
  if (os === 'ubuntu2404' && minor >= 13) obj(as311.Image).Os = 'ubuntu2204';
  if (os === 'ubuntu2004' && minor >= 14)
    extra.push({ validator: 'ImageSchema.os', message: 'ubuntu2004 is no longer supported' });
  for (const q of list(obj(as311.Scheduling).SlurmQueues).map(obj)) {
    const next = NEW_STRATEGIES[String(q.AllocationStrategy)];
    if (!next || minor < 14) continue;
    const flexible = list(q.ComputeResources).some((cr) => obj(cr).Instances !== undefined);
    const capacity = typeof q.CapacityType === 'string' ? q.CapacityType : 'ONDEMAND';
    if (capacity !== next.capacity && flexible)
      extra.push({
        validator: 'InstancesAllocationStrategyValidator',
        message: `${String(q.AllocationStrategy)} is for ${next.capacity}`,
      });
    q.AllocationStrategy = next.asOf311;
    // The 3.11 equivalent's own capacity rule is not the new strategy's.
    if (capacity !== next.capacity) delete q.AllocationStrategy;
  }
  if (minor >= 15)
    list(obj(doc.LoginNodes).Pools).forEach((p) => {
      if (obj(obj(p).Ssh).KeyName !== undefined)
        extra.push({
          validator: 'LoginNodesPoolsSchema.ssh',
          message:
            'Starting with ParallelCluster 3.15, the KeyName parameter is no longer supported for Login Nodes.',
        });
    });
  const base = pclusterV3Errors(stringify(as311)).filter(
    (f) => !(minor >= 14 && os === 'alinux2023' && f.validator === 'DcvValidator'),
  );
  return [...base, ...extra];
}
