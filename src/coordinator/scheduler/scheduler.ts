import type { AgentRow, CostliestFirst, JobRow, StageRow, TaskRow } from '../store/types.js';
import { estimatesOf } from './lease-order.js';

/**
 * What the lease decision reads and writes, declared here so that any store can serve it
 * (`SqliteStore` serves it, as core.ts checks where it builds the scheduler; tests may hand
 * in their own).
 */
export interface SchedulerStore {
  stages: { list(jobId: string): StageRow[] };
  agents: { list(jobId: string): AgentRow[] };
  tasks: {
    leaseNext(
      jobId: string,
      stage: string,
      agent: { id: string; node: string; gpu: string },
      now: number,
      leaseMs: number,
      allowExcluded?: boolean,
      costliestFirst?: CostliestFirst,
    ): TaskRow | null;
    strandedFor(
      jobId: string,
      stage: string,
      agentIds: string[],
    ): { id: number; notBefore: number }[];
    finishedNear(
      task: Pick<TaskRow, 'jobId' | 'stage' | 'seq'>,
      seconds: number,
      costliestFirst: CostliestFirst,
    ): void;
  };
}

/**
 * What an agent is told when it asks for work; `note` is a decision worth recording. `forOthers`
 * on `idle`: work is queued that this agent may not take (it failed it, or it drains), so a
 * wake-up meant for one agent should go on to the next.
 */
export type LeaseDecision =
  | { task: TaskRow; note?: string }
  | { exit: string }
  | { idle: true; jobId: string; forOthers?: boolean };

/** Why an agent should stop asking for work, or null while it should keep going. */
function exitReason(agent: AgentRow, job: JobRow): string | null {
  if (job.state !== 'running') return `job ${job.id} is ${job.state}`;
  if (agent.state === 'blocked')
    return `blocklisted for job ${job.id} after ${agent.failures} failures`;
  if (agent.state === 'gone')
    return 'the coordinator gave this agent up; its tasks went back to the queue';
  return null;
}

/**
 * The lease decision, top to bottom:
 * 1. may this agent work at all (its job runs; it is not blocklisted or given up; a draining
 *    agent stays, without work, until its node is released or kept after all);
 * 2. is the job suspended by its user, or paused (its output could not be written: every agent
 *    would fail alike);
 * 3. which stage is ready (stages run in order, one at a time);
 * 4. which task: the first queued one in its stage's lease order (in order, or costliest first:
 *    lease-order.ts) that this agent has not failed before; and
 *    when every agent left has failed a task, that task on this agent after a pause, so that
 *    a job is never stuck waiting for an agent that does not exist.
 * Nothing here waits: a caller that gets `idle` long-polls and asks again.
 */
export class Scheduler {
  private readonly pausedUntil = new Map<string, number>();

  constructor(
    private readonly store: SchedulerStore,
    private readonly leaseMs: number,
    private readonly now: () => number,
  ) {}

  /** Holds back every task of a job until `until` (ms). */
  pause(jobId: string, until: number): void {
    this.pausedUntil.set(jobId, until);
  }

  /** Until when a job is paused, or null. */
  pausedTill(jobId: string): number | null {
    const until = this.pausedUntil.get(jobId);
    if (until === undefined) return null;
    if (until > this.now()) return until;
    this.pausedUntil.delete(jobId);
    return null;
  }

  /** Decides for an agent whose row and job row the caller has just read. */
  decide(agent: AgentRow, job: JobRow): LeaseDecision {
    const why = exitReason(agent, job);
    if (why) return { exit: why };
    const idle = { idle: true, jobId: job.id } as const;
    if (agent.state === 'draining') return { ...idle, forOthers: true };
    // Suspended (job-control's Suspension): running tasks finish, nothing new starts.
    if (job.suspendedAt != null) return idle;
    if (this.pausedTill(job.id) !== null) return idle;
    const stage = this.store.stages.list(job.id).find((s) => s.state === 'ready');
    if (!stage) return idle;
    const now = this.now();
    const order = estimatesOf(stage.leaseOrder);
    const task = this.store.tasks.leaseNext(
      job.id,
      stage.name,
      agent,
      now,
      this.leaseMs,
      false,
      order,
    );
    if (task) return { task };
    return this.lastResort(agent, stage, now);
  }

  /**
   * A task of this job finished, its work having cost `seconds`: in a stage leased costliest
   * first, that is the estimate of the queued tasks next to it. Called in the completion's own
   * transaction.
   */
  finished(task: Pick<TaskRow, 'jobId' | 'stage' | 'seq'>, seconds: number): void {
    const order = this.store.stages.list(task.jobId).find((s) => s.name === task.stage)?.leaseOrder;
    const estimates = estimatesOf(order);
    if (estimates) this.store.tasks.finishedNear(task, seconds, estimates);
  }

  /**
   * No queued task is this agent's to take. When it has failed some that are still queued and
   * every agent left has failed them too, one goes to this agent once its retry pause is over.
   */
  private lastResort(agent: AgentRow, stageRow: StageRow, now: number): LeaseDecision {
    const { jobId, name: stage } = stageRow;
    // With no task this agent failed queued (the usual idle case) nothing is stranded: a task
    // stranded for every live agent is one this agent failed. That spares listing the agents.
    if (this.store.tasks.strandedFor(jobId, stage, [agent.id]).length === 0)
      return { idle: true, jobId };
    const idle = { idle: true, jobId, forOthers: true } as const;
    const live = this.store.agents
      .list(jobId)
      .filter((a) => a.state === 'active')
      .map((a) => a.id);
    if (!live.includes(agent.id)) return idle;
    const stranded = this.store.tasks.strandedFor(jobId, stage, live);
    if (!stranded.some((t) => t.notBefore <= now)) return idle;
    const order = estimatesOf(stageRow.leaseOrder);
    const task = this.store.tasks.leaseNext(jobId, stage, agent, now, this.leaseMs, true, order);
    if (!task) return idle;
    return {
      task,
      note: `task ${task.id}: every agent left has failed it once; trying it again on ${agent.node} GPU ${agent.gpu} (attempt ${task.attempts + 1})`,
    };
  }
}
