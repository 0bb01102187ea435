/** The per-GPU timeline's lanes and axis, pure (unit-tested in test/viewer/format.test.ts). */
import type { AttemptSpan, TaskState, TaskView } from '../../api/types.js';

/** One run of a task on one GPU. `state` colours it: a failed attempt is `failed`. */
export interface Bar {
  start: number;
  end: number;
  name: string;
  frames: number[];
  state: TaskState;
  agentId: string | null;
  /** How the attempt ended as the coordinator recorded it (`done`, `failed`, `requeued`...),
   * null while it runs or when only the task's own fields are known. */
  outcome: string | null;
}

/** A lane of the per-GPU timeline: one node/GPU, with what ran there. */
export interface Lane {
  key: string;
  bars: Bar[];
}

/** What an ended attempt's bar shows: put back (`requeued`, `paused`, `late`) reads as queued. */
function runState(r: AttemptSpan): TaskState {
  if (r.endedAt === null) return 'leased';
  return r.outcome === 'done' ? 'done' : r.outcome === 'failed' ? 'failed' : 'queued';
}

/**
 * Every run of every task on its GPU's lane: each attempt of a task that ran more than once
 * (`runs`), else the task's own run. Bars end at `now` while they run, and never past `endAt`
 * (a finished job's end).
 */
export function timelineLanes(tasks: TaskView[], now: number, endAt: number | null = null): Lane[] {
  const lanes = new Map<string, Lane>();
  const limit = endAt ?? Infinity;
  const add = (node: string, gpu: string | null, bar: Bar) => {
    const key = `${node} / GPU ${gpu ?? '?'}`;
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { key, bars: [] }));
    lane.bars.push({ ...bar, end: Math.max(bar.start, Math.min(bar.end, limit)) });
  };
  for (const t of tasks) {
    const base = { name: t.name, frames: t.frames };
    if (t.runs?.length) {
      for (const r of t.runs)
        add(r.node, r.gpu, {
          ...base,
          start: r.startedAt,
          end: r.endedAt ?? now,
          state: runState(r),
          agentId: r.agentId,
          outcome: r.outcome,
        });
      continue;
    }
    // A queued task that ran before (requeued) keeps its old start; it is not on a lane now.
    if (t.startedAt === null || t.node === null || t.state === 'queued') continue;
    add(t.node, t.gpu, {
      ...base,
      start: t.startedAt,
      end: t.finishedAt ?? now,
      state: t.state,
      agentId: t.agentId,
      outcome: null,
    });
  }
  return [...lanes.values()].sort((a, b) =>
    a.key.localeCompare(b.key, undefined, { numeric: true }),
  );
}

/** The axis: from the first start to the job's end once it ended, else to now or the last bar. */
export function timelineSpan(
  lanes: readonly Lane[],
  now: number,
  endAt: number | null,
): { from: number; to: number } {
  const bars = lanes.flatMap((l) => l.bars);
  const from = Math.min(...bars.map((b) => b.start));
  const to = endAt ?? Math.max(now, ...bars.map((b) => b.end));
  return { from, to: Math.max(to, from + 1) };
}
