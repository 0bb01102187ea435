import { NotFoundError } from '../errors.js';
import type { CoordinatorEvent } from '../../api/types.js';
import type { RecordFn } from '../history.js';
import type { JobType } from '../jobs/job-type.js';
import { jobTypeOf } from '../jobs/registry.js';
import type { LeaseDecision, Scheduler } from '../scheduler/scheduler.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { AllocationsTable } from '../store/tables/allocations.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { AgentRow, JobRow, TaskRow } from '../store/types.js';
import type { OutputCheck } from '../io/output-check.js';
import { taskName } from '../view/task-name.js';
import { taskView } from '../views.js';
import type { Waiters, Wake } from '../waiters.js';

/** Tunables of the agent protocol. */
export interface AgentTimes {
  /** A lease not renewed for this long puts its task back. */
  leaseMs: number;
  /** An agent silent for this long is gone and its tasks go back. */
  agentTimeoutMs: number;
  /** Attempts before a task fails. */
  maxAttempts: number;
  /** Failures after which an agent is blocklisted for the job. */
  maxAgentFailures: number;
}

/** What the agent side of the coordinator needs. */
export interface AgentDeskPorts {
  store: {
    jobs: Pick<JobsTable, 'get' | 'update' | 'inState'>;
    agents: Pick<
      AgentsTable,
      'insert' | 'get' | 'count' | 'onGpu' | 'silentSince' | 'update' | 'touchLive'
    >;
    allocations: Pick<AllocationsTable, 'list'>;
    tasks: Pick<
      TasksTable,
      'get' | 'renew' | 'complete' | 'fail' | 'requeueLeased' | 'extendLeases' | 'firstOpen'
    >;
  };
  scheduler: Scheduler;
  /** Checks that a finished task's files are there and whole before its result counts. */
  outputs: OutputCheck;
  /**
   * Runs `fn` in a store transaction, which may be shared with other writes of the same moment
   * (group commit); resolves once it has committed.
   */
  commit: <T>(fn: () => T) => Promise<T>;
  waiters: Waiters;
  record: RecordFn;
  bus: { emit(e: CoordinatorEvent): void; jobChanged(jobId: string): void; listening: boolean };
  /** A task left the queue for good (done or failed): its stage may be over. */
  settled: (task: TaskRow) => void;
  /** Ends a job as failed (its output could not be written for too long). */
  failJob: (jobId: string, error: string) => void;
  times: AgentTimes;
  now: () => number;
}

/** The longest a lease request may wait for work (ms). */
const MAX_WAIT_MS = 10_000;
/**
 * A long-poll with no work ends somewhere in the last fifth of the wait it asked for. Agents
 * started together (one srun, one bench swarm) would otherwise all ask again in the same
 * millisecond every few seconds, and a task arriving then waits behind thousands of requests.
 */
export const LONG_POLL_SPREAD = 0.2;

/** How long a long-poll asking for `waitMs` may wait; `r` uniform in [0, 1). */
export function longPollMs(waitMs: number, r: number): number {
  return Math.min(Math.max(waitMs, 0), MAX_WAIT_MS) * (1 - LONG_POLL_SPREAD * r);
}

/** How long a task waits before an agent that failed it may try it again (none other left). */
export function retryPauseMs(attempt: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 60_000);
}

/** A job whose output cannot be written pauses at most this long between tries... */
const MAX_JOB_PAUSE_MS = 30_000;
/** ...and fails once it has not been able to write for this long. */
const JOB_FAULT_PATIENCE_MS = 10 * 60_000;

/**
 * The agents' side of the coordinator: registration, leases (long-polled), renewals, results and
 * failures, and giving up on agents that went silent.
 */
export class AgentDesk {
  constructor(private readonly p: AgentDeskPorts) {}

  private job(jobId: string): JobRow {
    const job = this.p.store.jobs.get(jobId);
    if (!job) throw new NotFoundError(`no job ${jobId}`);
    return job;
  }

  agent(agentId: string): AgentRow {
    const agent = this.p.store.agents.get(agentId);
    if (!agent) throw new NotFoundError(`unknown agent ${agentId}`);
    return agent;
  }

  register(
    jobId: string,
    info: { node: string; gpu: string; slurmJobId: number; pid?: number },
  ): AgentRow | { exit: string } {
    const job = this.job(jobId);
    if (job.state !== 'running') return { exit: `job ${jobId} is ${job.state}` };
    const refused = this.refusal(job, info);
    if (refused) {
      this.p.record(jobId, 'agent:refused', 'coordinator', refused, { ...info });
      return { exit: refused };
    }
    const n = this.p.store.agents.count(jobId) + 1;
    const now = this.p.now();
    const agent: AgentRow = {
      id: `${jobId}.${info.node}.gpu${info.gpu}.${n}`,
      jobId,
      node: info.node,
      gpu: info.gpu,
      slurmJobId: info.slurmJobId,
      state: 'active',
      failures: 0,
      pid: info.pid ?? null,
      registeredAt: now,
      lastSeen: now,
    };
    this.p.store.agents.insert(agent);
    this.p.record(
      jobId,
      'agent:registered',
      'coordinator',
      `agent on ${info.node} GPU ${info.gpu} (Slurm job ${info.slurmJobId})`,
      { agentId: agent.id },
    );
    return agent;
  }

  /**
   * Why an agent may not join: it must run in one of the job's live allocations, on one of its
   * nodes once Slurm has said which, and claim one GPU the allocation holds there, once. (An
   * agent token is the job's, so a token alone must not let anyone invent agents.) Each agent's
   * srun task gets one GPU (`--gpus-per-task=1` on an exclusive node), so its index is below the
   * job's GPUs per node, whether Slurm numbers them on the node or within the step's cgroup.
   */
  private refusal(
    job: JobRow,
    info: { node: string; gpu: string; slurmJobId: number },
  ): string | null {
    const jobId = job.id;
    const a = this.p.store.allocations
      .list(jobId)
      .find((x) => x.slurmJobId === info.slurmJobId && x.state !== 'ended');
    if (!a) return `Slurm job ${info.slurmJobId} is not a live allocation of job ${jobId}`;
    if (a.nodes.length && !a.nodes.includes(info.node))
      return `node ${info.node} is not part of Slurm job ${info.slurmJobId} (${a.nodes.join(',')})`;
    if (!/^(0|[1-9][0-9]{0,3})$/.test(info.gpu) || Number(info.gpu) >= job.gpusPerNode)
      return `GPU ${JSON.stringify(info.gpu)} is not a GPU index of Slurm job ${info.slurmJobId}: it holds ${job.gpusPerNode} a node, one per agent (0 to ${job.gpusPerNode - 1})`;
    const twin = this.p.store.agents
      .onGpu(jobId, info.node, info.gpu, info.slurmJobId)
      .find((x) => x.state === 'active' || x.state === 'draining');
    if (twin) return `GPU ${info.gpu} of ${info.node} already has agent ${twin.id}`;
    return null;
  }

  /**
   * Notes that an agent was heard from. On the lease/complete hot path a write per request would
   * cost a commit each; a `lastSeen` up to a second old is as good against a 20 s timeout.
   */
  private touch(agent: AgentRow): void {
    const now = this.p.now();
    if (now - agent.lastSeen < 1_000) return;
    this.p.store.agents.update(agent.id, { lastSeen: now });
    agent.lastSeen = now;
  }

  /** One lease decision for an agent whose rows the caller has read (synchronous: it can share a completion's transaction). */
  leaseFor(agent: AgentRow, job?: JobRow): LeaseDecision {
    this.touch(agent);
    const decision = this.p.scheduler.decide(agent, job ?? this.job(agent.jobId));
    if ('task' in decision) {
      if (decision.note)
        this.p.record(agent.jobId, 'task:retried-here', 'coordinator', decision.note, {
          taskId: decision.task.id,
          agentId: agent.id,
        });
      this.p.bus.jobChanged(agent.jobId);
    }
    return decision;
  }

  /**
   * Long-polls for a task for up to `waitMs` (at most 10 s). The first try uses the rows the
   * caller read; a wake-up reads them again, since a drain or the job's end may be what woke it.
   * A wake-up offering work this agent may not take is passed on to the next waiter.
   */
  async lease(
    agent: AgentRow | string,
    waitMs: number,
    signal?: AbortSignal,
    job?: JobRow,
  ): Promise<LeaseDecision> {
    let row = typeof agent === 'string' ? this.agent(agent) : agent;
    const deadline = this.p.now() + longPollMs(waitMs, Math.random());
    let jobRow = job;
    let wake: Wake = { kind: 'news' };
    for (;;) {
      const r = this.leaseFor(row, jobRow);
      if (!('idle' in r)) return r;
      if (r.forOthers) this.p.waiters.passOn(row.jobId, wake);
      const left = deadline - this.p.now();
      if (left <= 0 || signal?.aborted) return r;
      wake = await this.p.waiters.wait(row.jobId, left, signal);
      if (wake.kind === 'timeout') return r;
      row = this.agent(row.id);
      jobRow = undefined;
    }
  }

  /** `renew` in the next shared commit: how the route calls it, thousands of agents at once. */
  renewShared(agentId: string, taskId: number): Promise<boolean> {
    return this.p.commit(() => this.renew(agentId, taskId));
  }

  renew(agentId: string, taskId: number): boolean {
    this.p.store.agents.update(agentId, { lastSeen: this.p.now() });
    return this.p.store.tasks.renew(taskId, agentId, this.p.now() + this.p.times.leaseMs);
  }

  private taskOf(agent: AgentRow, taskId: number): TaskRow {
    const task = this.p.store.tasks.get(taskId);
    if (!task || task.jobId !== agent.jobId)
      throw new NotFoundError(`task ${taskId} is not a task of job ${agent.jobId}`);
    return task;
  }

  /**
   * A task an agent reports done: its files are checked first (from the payload: where the job
   * type says they must be), and a task whose files are missing or cut short is a failed attempt,
   * not a result. Then it is recorded and, with `leaseNext`, the agent's next task leased in the
   * same transaction. `done` is null when the agent did not hold the task (nothing recorded).
   */
  async completeChecked(
    agent: AgentRow,
    taskId: number,
    result: Record<string, unknown>,
    leaseNext = false,
    job?: JobRow,
  ): Promise<{ done: TaskRow | null; next?: LeaseDecision } | { rejected: string }> {
    const task = this.taskOf(agent, taskId);
    const type = jobTypeOf((job ?? this.job(task.jobId)).kind);
    const expected = type.outputsOf?.(task) ?? [];
    const problems = expected.length ? await this.p.outputs.problems(expected) : [];
    if (problems.length) {
      const why = `reported done, but ${problems[0] ?? ''}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`;
      this.fail(agent.id, taskId, why, problems);
      return { rejected: why };
    }
    return this.p.commit(() => {
      const done = this.complete(agent, task, type, result);
      return { done, ...(done && leaseNext ? { next: this.leaseFor(agent) } : {}) };
    });
  }

  /**
   * Records a finished task (as read before its files were checked: what a completion changes
   * is decided by the store's conditional update); returns it as recorded, or null when the
   * agent did not hold it.
   */
  private complete(
    agent: AgentRow,
    task: TaskRow,
    type: Pick<JobType, 'onTaskDone' | 'costOf'>,
    result: Record<string, unknown>,
  ): TaskRow | null {
    this.touch(agent);
    const now = this.p.now();
    if (!this.p.store.tasks.complete(task.id, agent, result, now)) return null;
    this.jobFaults.delete(task.jobId);
    this.p.scheduler.finished(
      task,
      type.costOf?.(task, result) ?? Math.max(0, now - (task.startedAt ?? now)) / 1000,
    );
    const patch = type.onTaskDone?.(task, result);
    if (patch) this.p.store.jobs.update(task.jobId, patch);
    const done: TaskRow = {
      ...task,
      state: 'done',
      result,
      node: agent.node,
      gpu: agent.gpu,
      finishedAt: now,
      leaseExpires: null,
      error: null,
    };
    if (this.p.bus.listening)
      this.p.bus.emit({ type: 'task:updated', jobId: task.jobId, task: taskView(done) });
    this.p.bus.jobChanged(task.jobId);
    this.p.settled(task);
    return done;
  }

  /**
   * Records a failed attempt. The agent's fault (the default): the task goes to another agent,
   * or fails after maxAttempts, and an agent that fails too often is blocklisted. The job's
   * fault (`blame: 'job'`: its output cannot be written, the same on every agent): nothing
   * counts, and the whole job pauses, longer each time, until it works or has failed so for
   * too long.
   */
  fail(
    agentId: string,
    taskId: number,
    error: string,
    tail: string[],
    blame: 'agent' | 'job' = 'agent',
  ): void {
    const { store, record, times } = this.p;
    const agent = this.agent(agentId);
    const task = this.taskOf(agent, taskId);
    const now = this.p.now();
    if (blame === 'job') return this.jobFault(agent, task, error, tail, now);
    const state = store.tasks.fail(taskId, agentId, {
      error,
      tail: tail.slice(-40),
      maxAttempts: times.maxAttempts,
      now,
      blame,
      notBefore: now + retryPauseMs(task.attempts + 1),
    });
    if (!state) return;
    const failures = agent.failures + 1;
    const blocked = failures >= times.maxAgentFailures;
    store.agents.update(agentId, { failures, ...(blocked ? { state: 'blocked' as const } : {}) });
    record(
      task.jobId,
      'task:failed',
      'coordinator',
      `${taskName(task)} (task ${taskId}) failed on ${agent.node} GPU ${agent.gpu}: ${error}`,
      { taskId, agentId, final: state === 'failed' },
    );
    if (blocked)
      record(
        task.jobId,
        'agent:blocked',
        'coordinator',
        `agent ${agentId} blocklisted after ${failures} failures`,
        {
          agentId,
        },
      );
    const updated = store.tasks.get(taskId);
    if (updated)
      this.p.bus.emit({ type: 'task:updated', jobId: task.jobId, task: taskView(updated) });
    if (state === 'failed') this.p.settled(task);
    else this.p.waiters.offer(task.jobId, 1);
  }

  /** Consecutive job-blamed failures per job: when the first came and how many since. */
  private readonly jobFaults = new Map<string, { since: number; count: number }>();

  private jobFault(
    agent: AgentRow,
    task: TaskRow,
    error: string,
    tail: string[],
    now: number,
  ): void {
    const state = this.p.store.tasks.fail(task.id, agent.id, {
      error,
      tail: tail.slice(-40),
      maxAttempts: this.p.times.maxAttempts,
      now,
      blame: 'job',
      notBefore: null,
    });
    if (!state) return;
    const f = this.jobFaults.get(task.jobId) ?? { since: now, count: 0 };
    f.count++;
    this.jobFaults.set(task.jobId, f);
    if (now - f.since > JOB_FAULT_PATIENCE_MS) {
      this.jobFaults.delete(task.jobId);
      this.p.failJob(
        task.jobId,
        `the job's output could not be written for ${Math.round((now - f.since) / 60_000)} min: ${error}`,
      );
      return;
    }
    const pause = Math.min(1_000 * 2 ** (f.count - 1), MAX_JOB_PAUSE_MS);
    this.p.scheduler.pause(task.jobId, now + pause);
    this.p.record(
      task.jobId,
      'job:paused',
      'coordinator',
      `task ${task.id} on ${agent.node} GPU ${agent.gpu} could not write its output (${error}); the same would happen on every agent, so the job waits ${pause / 1000} s and tries again (no attempt counted)`,
      { taskId: task.id, pauseMs: pause },
    );
    this.p.waiters.notify(task.jobId);
  }

  /**
   * The coordinator itself was not running for `gapMs` (paused, suspended, starved), or could not
   * write what agents told it: the agents' silence is its own, so every lease gets its full
   * length again and every agent counts as heard from now, before anything is judged by the clock.
   */
  forgiveGap(gapMs: number, why: 'stopped' | 'unwritable' = 'stopped'): void {
    const now = this.p.now();
    this.p.store.tasks.extendLeases(now + this.p.times.leaseMs);
    this.p.store.agents.touchLive(now);
    for (const job of this.p.store.jobs.inState('running'))
      this.p.record(
        job.id,
        'coordinator:resumed',
        'coordinator',
        `the coordinator ${why === 'stopped' ? 'did not run' : 'could not write its state'} for ${Math.round(gapMs / 1000)} s; leases extended and agents given time to call in`,
        { gapMs },
      );
  }

  /** Puts back tasks whose leases ran out and gives up on agents that went silent. */
  sweep(): void {
    const now = this.p.now();
    for (const t of this.p.store.tasks.requeueLeased({ expiredBefore: now }, now)) {
      this.p.record(
        t.jobId,
        'task:requeued',
        'coordinator',
        `task ${t.id} lease expired (agent ${t.agentId ?? '?'}); back in the queue`,
        { taskId: t.id },
      );
      this.p.waiters.offer(t.jobId, 1);
    }
    for (const a of this.p.store.agents.silentSince(now - this.p.times.agentTimeoutMs))
      this.drop(a, `silent for ${Math.round((now - a.lastSeen) / 1000)} s`);
  }

  /** Marks an agent gone and hands its tasks back at once. */
  drop(a: AgentRow, why: string): void {
    this.p.store.agents.update(a.id, { state: 'gone' });
    const back = this.p.store.tasks.requeueLeased({ agentId: a.id }, this.p.now());
    this.p.record(
      a.jobId,
      'agent:gone',
      'coordinator',
      `agent ${a.id} gone (${why})${back.length ? `; ${back.length} task(s) back in the queue` : ''}`,
      { agentId: a.id },
    );
    if (back.length) this.p.waiters.offer(a.jobId, back.length);
  }
}
