import { runScaleSize, type ScaleRun, type ScaleRunOptions, type ScaleSize } from './run-size.js';

/** Agents per run: this machine's size, then up to 1,024 four-GPU nodes. */
export const AGENT_SIZES = [16, 256, 1_024, 4_096] as const;
/** Tasks of history in the database, measured at the largest agent count. */
export const HISTORY_SIZES = [5_000, 50_000, 500_000] as const;

/** The scale bench's runs: every agent count at the smallest history, every history at the most agents. */
export function scaleSizes(
  agents: readonly number[] = AGENT_SIZES,
  history: readonly number[] = HISTORY_SIZES,
): ScaleSize[] {
  const base = history[0] ?? 0;
  const most = agents[agents.length - 1] ?? 0;
  return [
    ...agents.map((a) => ({ agents: a, history: base })),
    ...history.slice(1).map((h) => ({ agents: most, history: h })),
  ];
}

/** Everything the scale bench measured. */
export interface ScaleResult {
  runs: ScaleRun[];
  /** Load average (1 min) before each run, in run order. */
  loadBefore: number[];
}

/** Runs each size on a fresh coordinator process, one after another. */
export async function benchScale(
  o: ScaleRunOptions & { sizes?: ScaleSize[]; loadAverage: () => number },
): Promise<ScaleResult> {
  const runs: ScaleRun[] = [];
  const loadBefore: number[] = [];
  for (const size of o.sizes ?? scaleSizes()) {
    loadBefore.push(o.loadAverage());
    o.log?.(`scale: ${size.agents} agents, ${size.history} tasks of history`);
    runs.push(await runScaleSize(size, o));
  }
  return { runs, loadBefore };
}
