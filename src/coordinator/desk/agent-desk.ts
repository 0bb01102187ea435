import type { TaskProgressReport } from '../../api/agent-protocol.js';
import type { LiveProgress } from '../store/live-progress.js';
import { NotFoundError } from '../errors.js';
import { jobTypeOf } from '../jobs/registry.js';
import type { LeaseDecision, Scheduler } from '../scheduler/scheduler.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { AllocationsTable } from '../store/tables/allocations.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { AgentRow, JobRow, TaskRow } from '../store/types.js';
import type { OutputCheck } from '../io/output-check.js';
import type { Waiters } from '../waiters.js';
import { refusal, type AdmissionStore, type AgentClaim } from './admission.js';
import type { LivenessTimes } from './liveness.js';
import { longPoll } from './long-poll.js';
import { Outcomes, type FailureLimits, type OutcomePorts } from './outcomes.js';

/** Tunables of the agent protocol. */
export type AgentTimes = LivenessTimes & FailureLimits;

/** What the agent side of the coordinator needs. */
export interface AgentDeskPorts extends OutcomePorts {
  store: OutcomePorts['store'] &
    AdmissionStore & {
      jobs: Pick<JobsTable, 'get'>;
      agents: Pick<AgentsTable, 'insert' | 'get' | 'count' | 'update'>;
      allocations: Pick<AllocationsTable, 'list' | 'update'>;
      tasks: Pick<TasksTable, 'get' | 'renew'>;
      live: Pick<LiveProgress, 'note'>;
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
  times: AgentTimes;
  /** Told how long each lease decision that handed out a task took (`GET /metrics`). */
  leaseTimed?: (seconds: number) => void;
  /** Told when an active agent of the job asked for work and got none (nodes may go back). */
  foundNothing?: (jobId: string) => void;
}

/**
 * The agents' side of the coordinator, the protocol's operations: registration (who may join:
 * `admission.ts`), leases (long-polled: `long-poll.ts`), renewals, results and failures (what
 * they change: `outcomes.ts`). Who is still there is `Liveness`'s, reached through `touch`.
 */
export class AgentDesk {
  private readonly outcomes: Outcomes;

  constructor(private readonly p: AgentDeskPorts) {
    this.outcomes = new Outcomes(p);
  }

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

  private taskOf(agent: AgentRow, taskId: number): TaskRow {
    const task = this.p.store.tasks.get(taskId);
    if (!task || task.jobId !== agent.jobId)
      throw new NotFoundError(`task ${taskId} is not a task of job ${agent.jobId}`);
    return task;
  }

  register(jobId: string, info: AgentClaim & { pid?: number }): AgentRow | { exit: string } {
    const job = this.job(jobId);
    if (job.state !== 'running') return { exit: `job ${jobId} is ${job.state}` };
    const refused = refusal(this.p.store, job, info);
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
    this.startedBy(jobId, agent);
    return agent;
  }

  /**
   * An agent runs inside its Slurm job, so that job has started, whatever the last poll of Slurm
   * said: taking it for one still waiting would let the autoscaler cancel it, agent, lease and
   * all. The poll fills in its nodes (and drops agents on nodes Slurm does not name).
   */
  private startedBy(jobId: string, agent: AgentRow): void {
    const a = this.p.store.allocations
      .list(jobId)
      .find((x) => x.slurmJobId === agent.slurmJobId && x.state === 'pending');
    if (!a) return;
    this.p.store.allocations.update(a.slurmJobId, { state: 'running', reason: '' });
    this.p.record(
      jobId,
      'allocation:running',
      'coordinator',
      `Slurm job ${a.slurmJobId} running (its agent on ${agent.node} registered)`,
      { slurmJobId: a.slurmJobId, nodes: a.nodes },
    );
  }

  /** One lease decision for an agent whose rows the caller has read (synchronous: it can share a completion's transaction). */
  private leaseFor(agent: AgentRow, job?: JobRow): LeaseDecision {
    this.p.touch(agent);
    const started = performance.now();
    const decision = this.p.scheduler.decide(agent, job ?? this.job(agent.jobId));
    if ('task' in decision) {
      this.p.leaseTimed?.((performance.now() - started) / 1000);
      if (decision.note)
        this.p.record(agent.jobId, 'task:retried-here', 'coordinator', decision.note, {
          taskId: decision.task.id,
          agentId: agent.id,
        });
      this.p.bus.jobChanged(agent.jobId);
    } else if ('idle' in decision && agent.state === 'active') this.p.foundNothing?.(agent.jobId);
    return decision;
  }

  /**
   * Long-polls for a task for up to `waitMs` (at most 10 s). The first try uses the rows the
   * caller read; a wake-up reads them again, since a drain or the job's end may be what woke it.
   */
  async lease(
    agent: AgentRow | string,
    waitMs: number,
    signal?: AbortSignal,
    job?: JobRow,
  ): Promise<LeaseDecision> {
    let row = typeof agent === 'string' ? this.agent(agent) : agent;
    const ask = (woken: boolean) => {
      if (!woken) return this.leaseFor(row, job);
      row = this.agent(row.id);
      return this.leaseFor(row);
    };
    return longPoll(this.p, row.jobId, waitMs, ask, signal);
  }

  /**
   * Renews a lease in the next shared commit: thousands of agents renew at once. How far the
   * task is goes to memory only (`store.live`), and on to whoever follows the job.
   */
  async renew(agentId: string, taskId: number, progress?: TaskProgressReport): Promise<boolean> {
    const renewed = await this.p.commit(() => {
      this.p.store.agents.update(agentId, { lastSeen: this.p.now() });
      return this.p.store.tasks.renew(taskId, agentId, this.p.now() + this.p.times.leaseMs);
    });
    const task = renewed && progress ? this.p.store.tasks.get(taskId) : undefined;
    if (task && progress) {
      this.p.store.live.note(task, agentId, progress, this.p.now());
      this.p.taskUpdated(task);
    }
    return renewed;
  }

  /**
   * A task an agent reports done: its files are checked first (from the payload: where the job
   * type says they must be), and a task whose files are missing or cut short is a failed attempt,
   * not a result. Then it is recorded and, with `leaseNext`, the agent's next task leased in the
   * same transaction. `done` is null when the agent did not hold the task (nothing recorded).
   */
  async complete(
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
      const done = this.outcomes.done(agent, task, type, result);
      return { done, ...(done && leaseNext ? { next: this.leaseFor(agent) } : {}) };
    });
  }

  /** Records a failed attempt (see `Outcomes.failed`: whose fault, and what follows). */
  fail(
    agentId: string,
    taskId: number,
    error: string,
    tail: string[],
    blame: 'agent' | 'job' = 'agent',
  ): void {
    const agent = this.agent(agentId);
    this.outcomes.failed(agent, this.taskOf(agent, taskId), error, tail, blame);
  }
}
