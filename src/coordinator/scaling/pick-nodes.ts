import type { AgentRow, AllocationRow } from '../store/types.js';

/** A node of a job: which allocation holds it and whether its agents are busy. */
export interface HeldNode {
  node: string;
  allocation: AllocationRow;
  batchHost: boolean;
  busy: boolean;
  agents: AgentRow[];
}

/**
 * Picks up to `count` nodes to give back, in `held`'s order, among those `eligible` allows. A
 * primary allocation's batch host never goes; an attached allocation's batch host goes only
 * together with every other node it holds.
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
    if (h.batchHost && h.allocation.role === 'attached' && eligible(h) && withAll(h))
      chosen.push(h);
  }
  return chosen;
}
