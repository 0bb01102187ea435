import type { BenchContext } from './context.js';
import { renderWithCoordinator } from './ours.js';
import type { OursResult } from './report.js';
import { TARGETS } from './report.js';
import { waitNodesIdle } from './slurm-jobs.js';

const TRIES = 3;

/** What one submission showed of the time before its first frame. */
export type FirstFrameTry = NonNullable<OursResult['oneTime']>;

/**
 * Submission → first frame file on the bench cluster: a small Blender job (two frames per slot)
 * through the coordinator, three times, each on a fresh coordinator.
 */
export async function benchFirstFrame(ctx: BenchContext): Promise<FirstFrameTry[]> {
  const frames = ctx.frames.slice(0, ctx.slots * 2);
  const tries: FirstFrameTry[] = [];
  for (let i = 0; i < TRIES; i++) {
    await waitNodesIdle(ctx.bench.client, 'first frame');
    ctx.log(`first frame: try ${i + 1} of ${TRIES} (${frames.length} frames)`);
    const r = await renderWithCoordinator({ ...ctx, frames, workDir: `${ctx.workDir}/ff${i}` }, '');
    tries.push(r.oneTime ?? {});
  }
  return tries;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** The first-frame section as text: each try's parts and the median against the target. */
export function formatFirstFrame(tries: readonly FirstFrameTry[]): string {
  const s = (v: number | undefined) => (v === undefined ? 'n/a' : `${v.toFixed(2)} s`);
  const lines = tries.map(
    (t, i) =>
      `  try ${i + 1}: submission → first frame ${s(t.submitToFirstFrameSeconds)} ` +
      `(→ first agent running ${s(t.submitToAgentStartSeconds)}, → first lease ${s(t.agentStartToFirstLeaseSeconds)}, ` +
      `Blender start ${s(t.blenderStartSeconds)}, ${s(t.blenderWaitSeconds)} of it after the first lease)`,
  );
  const m = median(tries.flatMap((t) => t.submitToFirstFrameSeconds ?? []));
  lines.push(
    `  median ${s(m)} (target < ${TARGETS.firstFrame} s) ${Number.isFinite(m) ? (m < TARGETS.firstFrame ? 'PASS' : 'MISS') : 'n/a'}`,
  );
  return lines.join('\n');
}
