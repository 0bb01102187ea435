import type { AgentRow, AllocationRow } from '../store/types.js';

/** A node of a job: which allocation holds it and whether its agents are busy. */
export interface HeldNode {
  node: string;
  allocation: AllocationRow;
  batchHost: boolean;
  /** Its allocation carries the job (allocations/node-jobs.ts `carriesJob`): its batch host stays. */
  carriesJob: boolean;
  busy: boolean;
  agents: AgentRow[];
}

/**
 * Picks up to `count` nodes to give back, in `held`'s order, among those `eligible` allows. The
 * batch host of an allocation that carries the job never goes; any other batch host goes only
 * together with every other node of its allocation (a node job's one node: always).
 */
export function pickNodes(
  held: HeldNode[],
  count: number,
  eligible: (h: HeldNode) => boolean = () => true,
): HeldNode[] {
  const chosen: HeldNode[] = [];
  const withAll = (h: HeldNode) =>
    held.filter((x) => x.allocation === h.allocation && x !== h).every((x) => chosen.includes(x));
  for (const h of held) {
    if (chosen.length >= count) break;
    if (!h.batchHost && eligible(h)) chosen.push(h);
  }
  for (const h of held) {
    if (chosen.length >= count) break;
    if (h.batchHost && !h.carriesJob && eligible(h) && withAll(h)) chosen.push(h);
  }
  return chosen;
}
