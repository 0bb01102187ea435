import type { RecordFn } from '../history.js';
import type { JobType } from '../jobs/job-type.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { AgentRow, TaskRow } from '../store/types.js';
import { taskName } from '../view/task-name.js';
import type { Waiters } from '../waiters.js';
import { agentFault, attemptsAllowed, jobFault } from './failure-policy.js';

/** When failures stop being retried. */
export interface FailureLimits {
  /** Attempts before a task fails. */
  maxAttempts: number;
  /** Failures after which an agent is blocklisted for the job. */
  maxAgentFailures: number;
}

/** What recording a result or a failure needs. */
export interface OutcomePorts {
  store: {
    jobs: Pick<JobsTable, 'update'>;
    agents: Pick<AgentsTable, 'update'>;
    tasks: Pick<TasksTable, 'get' | 'complete' | 'fail' | 'list' | 'replaceQueued'>;
  };
  scheduler: Pick<Scheduler, 'finished' | 'pause'>;
  waiters: Pick<Waiters, 'offer' | 'notify'>;
  record: RecordFn;
  bus: { jobChanged(jobId: string): void };
  /** A task's row changed: tells whoever watches the API (the caller renders the view). */
  taskUpdated: (task: TaskRow) => void;
  /** A task left the queue for good (done or failed): its stage may be over. */
  settled: (task: TaskRow) => void;
  /** A stage's queued tasks were replaced by `delta` more (or fewer): its open count moves. */
  resized?: (jobId: string, stage: string, delta: number) => void;
  /** Ends a job as failed (its output could not be written for too long). */
  failJob: (jobId: string, error: string) => void;
  /** Notes that an agent was heard from. */
  touch: (agent: AgentRow) => void;
  times: FailureLimits;
  /** The retries a job asks for per task (its `maxRetriesPerTask`), if it says. */
  retriesOf?: (jobId: string) => number | undefined;
  now: () => number;
}

/**
 * What a reported result or failure changes: the task's row, the job's counts and estimates, the
 * agent's record, and what the failure policy decides (`failure-policy.ts`).
 */
export class Outcomes {
  /** Consecutive job-blamed failures per job: when the first came and how many since. */
  private readonly jobFaults = new Map<string, { since: number; count: number }>();

  constructor(private readonly p: OutcomePorts) {}

  /**
   * Records a finished task (as read before its files were checked: what a completion changes
   * is decided by the store's conditional update); returns it as recorded, or null when the
   * agent did not hold it.
   */
  done(
    agent: AgentRow,
    task: TaskRow,
    type: Pick<JobType, 'onTaskDone' | 'costOf' | 'resizeQueued'>,
    result: Record<string, unknown>,
  ): TaskRow | null {
    this.p.touch(agent);
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
    const resize = type.resizeQueued?.(
      done,
      () => this.p.store.tasks.list(task.jobId, { stage: task.stage }).tasks,
    );
    if (
      resize?.remove.length &&
      this.p.store.tasks.replaceQueued(task.jobId, resize.remove, resize.add)
    )
      this.p.resized?.(task.jobId, task.stage, resize.add.length - resize.remove.length);
    this.p.taskUpdated(done);
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
  failed(
    agent: AgentRow,
    task: TaskRow,
    error: string,
    tail: string[],
    blame: 'agent' | 'job',
  ): void {
    const { store, record, times } = this.p;
    const now = this.p.now();
    const decision =
      blame === 'agent'
        ? agentFault({
            attempts: task.attempts,
            agentFailures: agent.failures,
            maxAgentFailures: times.maxAgentFailures,
            now,
          })
        : null;
    const state = store.tasks.fail(task.id, agent.id, {
      error,
      tail: tail.slice(-40),
      maxAttempts: attemptsAllowed(this.p.retriesOf?.(task.jobId), times.maxAttempts),
      now,
      blame,
      notBefore: decision?.retry.notBefore ?? null,
    });
    if (!state) return;
    if (!decision) return this.jobFailed(agent, task, error, now);
    const { failures, blocklist } = decision;
    store.agents.update(agent.id, {
      failures,
      ...(blocklist ? { state: 'blocked' as const } : {}),
    });
    const final = state === 'failed';
    record(
      task.jobId,
      'task:failed',
      'coordinator',
      `${taskName(task)} (task ${task.id}) failed on ${agent.node} GPU ${agent.gpu}: ${error}`,
      { taskId: task.id, agentId: agent.id, final },
      // The last attempt's failure is the task's end; one with attempts left, a warning.
      final ? 'error' : undefined,
    );
    if (blocklist)
      record(
        task.jobId,
        'agent:blocked',
        'coordinator',
        `agent ${agent.id} blocklisted after ${failures} failures`,
        { agentId: agent.id },
      );
    const updated = store.tasks.get(task.id);
    if (updated) this.p.taskUpdated(updated);
    if (state === 'failed') this.p.settled(task);
    else this.p.waiters.offer(task.jobId, 1);
  }

  /** A job-blamed failure the store took (no attempt counted): the job pauses, or fails. */
  private jobFailed(agent: AgentRow, task: TaskRow, error: string, now: number): void {
    const f = this.jobFaults.get(task.jobId) ?? { since: now, count: 0 };
    f.count++;
    this.jobFaults.set(task.jobId, f);
    const decision = jobFault({ ...f, now, error });
    if ('failJob' in decision) {
      this.jobFaults.delete(task.jobId);
      this.p.failJob(task.jobId, decision.failJob);
      return;
    }
    const pause = decision.pauseJob;
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
}
