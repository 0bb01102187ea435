import type { AutoScaleSpec } from '../../api/types.js';
import type { RecordFn } from '../history.js';
import type { AllocationsTable } from '../store/tables/allocations.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { StagesTable } from '../store/tables/stages.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { AllocationRow } from '../store/types.js';
import { pickNodes, type HeldNode } from './pick-nodes.js';
import { freeNodes, growOrder } from './scarce-nodes.js';
import type { Scaler } from './scaler.js';

/** What the autoscaling policy reads, and how it acts (through the Scaler). */
export interface AutoscalerPorts {
  store: {
    jobs: Pick<JobsTable, 'inState' | 'get'>;
    allocations: Pick<AllocationsTable, 'list'>;
    stages: Pick<StagesTable, 'list'>;
    tasks: Pick<TasksTable, 'progress' | 'completions'>;
  };
  record: RecordFn;
  now: () => number;
  /** The partition's nodes as Slurm sees them (how many are free). */
  partitionNodes: () => Promise<{ state: string; flags: string[] }[]>;
}

/** Nodes the grows of one tick may still take (see scarce-nodes.ts). */
interface Budget {
  free: number;
}

/** The most nodes `openTasks` tasks can keep busy, one task per GPU (at least one node). */
export function usefulNodes(openTasks: number, gpusPerNode: number): number {
  return Math.max(1, Math.ceil(openTasks / Math.max(1, gpusPerNode)));
}

/** ParallelCluster's ScaledownIdletime idea, per job: how long a node may sit idle before it goes back. */
export const DEFAULT_IDLE_SECONDS = 30;

/**
 * The autoscaling policy. For each running job with `auto`: keep at least `min` nodes; grow (up to
 * `max`, never while a grow is pending, never past one GPU per open task) when the estimate from
 * measured task times misses the target finish; once the queue is empty, give back nodes idle for longer than the idle time, down
 * to `min`. Every decision is recorded with its reason.
 */
export class Autoscaler {
  /** When each node of a job last had work (`job/node` → ms). */
  private readonly lastBusy = new Map<string, number>();

  constructor(
    private readonly p: AutoscalerPorts,
    private readonly scaler: Scaler,
  ) {}

  async tick(): Promise<void> {
    // A suspended job's nodes are the suspension's to give back and to ask for again.
    const jobs = growOrder(
      this.p.store.jobs.inState('running').filter((j) => j.auto && j.suspendedAt == null),
    );
    if (!jobs.length) return;
    const budget = { free: await this.free() };
    for (const job of jobs) {
      try {
        await this.decide(job.id, budget);
      } catch (err) {
        this.p.record(
          job.id,
          'scale:error',
          'policy',
          `autoscaling could not act: ${(err as Error).message}`,
        );
      }
    }
  }

  /**
   * Seconds per unit of work on one GPU, from the tasks finished so far: a frame for render
   * stages, a task for stages whose tasks carry no frames (commands, training runs).
   */
  private secondsPerUnit(jobId: string, byFrame: boolean): number | undefined {
    const done = this.p.store.tasks.completions(jobId, 0, byFrame);
    if (!done.tasks) return undefined;
    return done.seconds / (byFrame ? done.frames : done.tasks);
  }

  /** Free nodes now; as many as wanted when Slurm cannot say (grows then queue in Slurm). */
  private async free(): Promise<number> {
    const waiting = this.p.store.allocations
      .list()
      .filter((a) => a.state === 'pending')
      .reduce((s, a) => s + a.requestedNodes, 0);
    try {
      return freeNodes(await this.p.partitionNodes(), waiting);
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  private async decide(jobId: string, budget: Budget): Promise<void> {
    const job = this.p.store.jobs.get(jobId);
    if (!job) return;
    const auto = job.auto;
    if (!auto) return;
    const now = this.p.now();
    const pending = this.p.store.allocations.list(jobId).filter((a) => a.state === 'pending');
    const held = await this.scaler.heldNodes(jobId);
    const n = held.length;
    const stage = this.p.store.stages.list(jobId).find((s) => s.state === 'ready');
    if (!stage) return;
    const progress = this.p.store.tasks.progress(jobId, stage.name);
    const byFrame = progress.frames.total > 0;
    const p = byFrame ? progress.frames : progress.tasks;
    const queuedTasks = progress.tasks.queued;

    for (const h of held) {
      const key = `${jobId}/${h.node}`;
      if (h.busy || queuedTasks > 0 || !this.lastBusy.has(key)) this.lastBusy.set(key, now);
    }

    if (queuedTasks === 0) return this.giveBack(jobId, auto, held, pending, now);
    // A start or a grow is on its way: judge again once it runs.
    if (pending.length) return;

    if (n < auto.min) {
      this.p.record(jobId, 'scale:decision', 'policy', `grow to ${auto.min}: below --min`, {
        from: n,
        to: auto.min,
      });
      budget.free -= auto.min - n;
      await this.scaler.scale(jobId, { nodes: auto.min }, 'policy');
      return;
    }

    const perUnit = this.secondsPerUnit(jobId, byFrame);
    if (!auto.targetFinishSeconds || perUnit === undefined || n >= auto.max) return;
    const remaining = p.queued + p.leased;
    const gpus = Math.max(1, n * job.gpusPerNode);
    const estimate = (remaining * perUnit) / gpus;
    const left = (job.createdAt + auto.targetFinishSeconds * 1000 - now) / 1000;
    if (estimate <= left) return;
    const neededNodes = Math.ceil((remaining * perUnit) / Math.max(left, 1) / job.gpusPerNode);
    // A task runs on one GPU: nodes beyond one GPU per open task would only sit idle.
    const useful = usefulNodes(progress.tasks.queued + progress.tasks.leased, job.gpusPerNode);
    const wanted = Math.min(auto.max, useful, Math.max(n + 1, neededNodes));
    // Free nodes go to higher-priority jobs first (tick's order); this one gets what is left.
    const to = Math.min(wanted, n + Math.max(0, budget.free));
    if (to <= n) return;
    budget.free -= to - n;
    this.p.record(
      jobId,
      'scale:decision',
      'policy',
      `grow to ${to}: ${remaining} ${byFrame ? 'frame' : 'task'}(s) at ${perUnit.toFixed(2)} s each on ${gpus} GPU(s) need ~${Math.round(estimate)} s, ${Math.max(0, Math.round(left))} s left of the target`,
      { from: n, to, estimateSeconds: estimate, leftSeconds: left },
    );
    await this.scaler.scale(jobId, { nodes: to }, 'policy');
  }

  /**
   * The queue is empty: allocations still waiting in Slurm can no longer help, and nodes idle for
   * longer than the idle time go back, down to `min`.
   */
  private async giveBack(
    jobId: string,
    auto: AutoScaleSpec,
    held: HeldNode[],
    pending: AllocationRow[],
    now: number,
  ): Promise<void> {
    const n = held.length;
    const waiting = pending.filter((a) => a.role === 'attached').length;
    if (waiting > 0) {
      this.p.record(
        jobId,
        'scale:decision',
        'policy',
        `cancel ${waiting} waiting allocation(s): the queue is empty`,
        { cancel: waiting },
      );
      await this.scaler.cancelPending(jobId, waiting, 'policy', 'the queue is empty');
    }
    const idleMs = (auto.idleSeconds ?? DEFAULT_IDLE_SECONDS) * 1000;
    const idle = held.filter(
      (h) => !h.busy && now - (this.lastBusy.get(`${jobId}/${h.node}`) ?? now) >= idleMs,
    );
    // Only idle nodes that can go without ending an allocation that still works.
    const chosen = pickNodes(held, n - auto.min, (h) => idle.includes(h));
    if (chosen.length > 0) {
      const nodes = chosen.map((h) => h.node);
      this.p.record(
        jobId,
        'scale:decision',
        'policy',
        `shrink by ${nodes.length} (${nodes.join(',')}): the queue is empty and ${idle.length} node(s) idle for ${idleMs / 1000} s`,
        { from: n, to: n - nodes.length, nodes },
      );
      await this.scaler.scale(jobId, { nodeList: nodes }, 'policy');
    }
  }
}
