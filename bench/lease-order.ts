import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { costliestFirst } from '../src/coordinator/scheduler/lease-order.js';
import { Scheduler } from '../src/coordinator/scheduler/scheduler.js';
import { SqliteStore } from '../src/coordinator/store/sqlite-store.js';
import type { AgentRow, JobRow, NewTask, StageRow } from '../src/coordinator/store/types.js';

/**
 * The lease order on shots of other shapes than the bench scene's: the real Scheduler over the
 * real SQLite store, with simulated time (each task takes its shape's cost; agents start up to
 * 0.8 s apart, as Slurm starts them). Frame order and costliest first run the same frames, so
 * only the order differs. What it leaves out is the agents' own overhead per task (about 10 ms
 * here, docs/scale.md) and estimates that err (Blender's time per frame is what it reports).
 * It drives the scheduling core itself rather than a coordinator: time can be simulated only there.
 */

/** Cost of frame i of n, seconds; `noise` is uniform in [0, 1). */
type Shape = (i: number, n: number, noise: () => number) => number;

export const SHAPES: Record<string, Shape> = {
  // The bench scene: two thirds cheap frames, then costly ones that differ by up to a third.
  'costly end': (i, n, r) => (i < (2 * n) / 3 ? 0.2 : 2.7) * (0.85 + 0.35 * r()),
  rising: (i, n, r) => (0.2 + (3 * i) / n) * (0.9 + 0.2 * r()),
  falling: (i, n) => 3.2 - (3 * i) / n,
  'costly middle': (i, n, r) => (i >= n / 3 && i < n / 2 ? 3 * (0.8 + 0.4 * r()) : 0.3),
  random: (_i, _n, r) => 0.2 + 2.8 * r(),
  flat: (_i, _n, r) => 0.9 + 0.2 * r(),
  waves: (i, n) => 1.5 + 1.3 * Math.sin((i / n) * 6.28 * 3),
};

/** Frames × agents: few frames per agent to many. */
export const SIZES: readonly [number, number][] = [
  [24, 2],
  [24, 4],
  [48, 16],
  [100, 4],
  [240, 8],
];

/** A seeded generator (mulberry32), so that every run simulates the same shots. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JOB: Omit<JobRow, 'id' | 'dir' | 'outputDir'> = {
  seq: 1,
  kind: 'blender',
  name: 'lease-order',
  state: 'running',
  spec: { kind: 'blender', scene: 'shot.blend', nodes: 1 },
  agentToken: 'bench',
  nodesWanted: 1,
  gpusPerNode: 1,
  auto: null,
  priority: 50,
  owner: null,
  video: null,
  error: null,
  createdAt: 0,
  finishedAt: null,
};

/** Simulated makespan (s) of `costs` on agents starting at `starts` (s), in one order. */
function simulate(
  store: SqliteStore,
  jobId: string,
  costs: readonly number[],
  starts: readonly number[],
  ordered: boolean,
  dir: string,
): number {
  let clock = 0;
  const plain: NewTask[] = costs.map((_, seq) => ({
    stage: 'render',
    seq,
    kind: 'blender-render',
    payload: {},
    frames: [seq + 1],
  }));
  const leased = ordered ? costliestFirst(plain) : undefined;
  const stage: Omit<StageRow, 'jobId'> = {
    name: 'render',
    seq: 0,
    state: 'ready',
    ...(leased ? { leaseOrder: leased.order } : {}),
  };
  const job: JobRow = { ...JOB, id: jobId, dir, outputDir: dir };
  store.insertJob(job, [stage], leased?.tasks ?? plain);
  const scheduler = new Scheduler(store, 3_600_000, () => clock);
  const agents: AgentRow[] = starts.map((_, g) => ({
    id: `${jobId}.a${g}`,
    jobId,
    node: 'node1',
    gpu: String(g),
    slurmJobId: 1,
    state: 'active',
    failures: 0,
    pid: null,
    registeredAt: 0,
    lastSeen: 0,
  }));
  for (const a of agents) store.agents.insert(a);
  // Each agent's next free moment (ms) and the task it holds.
  const busy = agents.map((a, g) => ({ a, at: (starts[g] ?? 0) * 1000, task: -1, seq: -1 }));
  let end = 0;
  for (;;) {
    const next = busy.filter((b) => b.at < Infinity).sort((x, y) => x.at - y.at)[0];
    if (!next) return end / 1000;
    clock = next.at;
    if (next.task >= 0) {
      store.tasks.complete(next.task, next.a, {}, clock);
      scheduler.finished({ jobId, stage: 'render', seq: next.seq }, costs[next.seq] ?? 0);
      end = Math.max(end, clock);
    }
    const d = scheduler.decide(next.a, job);
    if ('task' in d) {
      next.task = d.task.id;
      next.seq = d.task.seq;
      next.at = clock + (costs[d.task.seq] ?? 0) * 1000;
    } else {
      next.task = -1;
      next.at = Infinity;
    }
  }
}

export interface LeaseOrderRow {
  shape: string;
  frames: number;
  agents: number;
  /** Share of the ideal (total cost / agents, or the costliest frame): median and 10th percentile of the trials. */
  inOrder: { median: number; p10: number };
  costliestFirst: { median: number; p10: number };
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))] ?? NaN;

/** Every shape at every size, `trials` shots each (seeded), in both orders. */
export function benchLeaseOrder(trials = 20): LeaseOrderRow[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-bench-lease-order-'));
  const store = new SqliteStore(path.join(dir, 'state.db'));
  const rows: LeaseOrderRow[] = [];
  let jobs = 0;
  try {
    for (const [shape, cost] of Object.entries(SHAPES)) {
      for (const [frames, agents] of SIZES) {
        const r = random(frames * 1000 + agents);
        const share = { inOrder: [] as number[], costliestFirst: [] as number[] };
        for (let t = 0; t < trials; t++) {
          const costs = Array.from({ length: frames }, (_, i) => cost(i, frames, r));
          const starts = Array.from({ length: agents }, () => 0.8 * r());
          const ideal = Math.max(costs.reduce((a, b) => a + b, 0) / agents, Math.max(...costs));
          // The ideal counts no start-up; the agents' later starts are part of the makespan.
          const late = starts.reduce((a, b) => a + b, 0) / agents;
          for (const ordered of [false, true]) {
            const makespan = simulate(store, `j${++jobs}`, costs, starts, ordered, dir);
            (ordered ? share.costliestFirst : share.inOrder).push((ideal + late) / makespan);
          }
        }
        const sum = (xs: number[]) => ({ median: quantile(xs, 0.5), p10: quantile(xs, 0.1) });
        rows.push({
          shape,
          frames,
          agents,
          inOrder: sum(share.inOrder),
          costliestFirst: sum(share.costliestFirst),
        });
      }
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function formatLeaseOrder(rows: readonly LeaseOrderRow[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const lines = [
    'Share of the ideal makespan (total cost / agents, or the costliest frame, plus the agents’',
    'mean start), median / 10th percentile of 20 seeded shots, simulated on the real Scheduler:',
    `  ${'shape'.padEnd(14)} ${'frames×agents'.padStart(13)}  ${'frame order'.padStart(11)}  ${'costliest first'.padStart(15)}`,
  ];
  for (const r of rows)
    lines.push(
      `  ${r.shape.padEnd(14)} ${`${r.frames}×${r.agents}`.padStart(13)}  ` +
        `${`${pct(r.inOrder.median)} / ${pct(r.inOrder.p10)}`.padStart(11)}  ` +
        `${`${pct(r.costliestFirst.median)} / ${pct(r.costliestFirst.p10)}`.padStart(15)}`,
    );
  return lines.join('\n');
}
