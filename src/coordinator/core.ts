import { nodeFiles } from '../util/node-files.js';
import type { FileProbe } from '../util/file-probe.js';
import { AgentDesk, type AgentTimes } from './desk/agent-desk.js';
import { Liveness } from './desk/liveness.js';
import { WarmUps } from './desk/warm-ups.js';
import { Allocations } from './allocations/allocations.js';
import type { ReconcilePorts } from './allocations/reconcile.js';
import type { JobDetail, RetryReply, SubmitRequest } from '../api/types.js';
import { NotFoundError } from './errors.js';
import type { EventBus } from './events.js';
import { recorder, type Actor, type RecordFn } from './history.js';
import { localJobFiles, type JobFiles } from './io/job-files.js';
import { localOutputCheck, type OutputCheck } from './io/output-check.js';
import { JobControl } from './job-control.js';
import type { AllocationPort } from './ports.js';
import { Autoscaler } from './scaling/autoscaler.js';
import { Scaler } from './scaling/scaler.js';
import { Scheduler, type LeaseDecision } from './scheduler/scheduler.js';
import { StageFlow } from './stages/stage-flow.js';
import { GroupCommit } from './store/group-commit.js';
import type { SqliteStore } from './store/sqlite-store.js';
import type { AgentRow, JobRow } from './store/types.js';
import { isStorageFault, WriteOutage } from './io/write-outage.js';
import { Submission } from './submission.js';
import { jobDetail, taskView } from './views.js';
import { Waiters } from './waiters.js';

export type { Actor } from './history.js';

/** Tunables; the defaults suit a real cluster and the local one alike. */
export interface CoordinatorConfig extends AgentTimes {
  stateDir: string;
}

/** Defaults: leases of 15 s, agents gone after 20 s of silence, 3 attempts, 3 failures to block. */
export const DEFAULT_CONFIG: Omit<CoordinatorConfig, 'stateDir'> = {
  leaseMs: 15_000,
  agentTimeoutMs: 20_000,
  maxAttempts: 3,
  maxAgentFailures: 3,
};

/** What an agent gets when it asks for work. */
export type LeaseReply = LeaseDecision;

/** Where the core meets the world besides Slurm and the store (defaults: this machine). */
export interface CoordinatorIo {
  files?: JobFiles;
  probe?: FileProbe;
  log?: (line: string) => void;
  allocationOutput?: ReconcilePorts['allocationOutput'];
  outputs?: OutputCheck;
}

/**
 * The coordinator's core, composed: submission, the stage flow, job control, the agent desk
 * over the scheduler, allocations, scaling and autoscaling. Slurm comes in through
 * `AllocationPort`, state through the store; each part gets only the ports it uses. The methods
 * here are the operations the HTTP API offers.
 */
export class Coordinator {
  readonly waiters = new Waiters();
  /** Whether the coordinator's own disk is refusing writes now. */
  readonly outage: WriteOutage;
  /** Completions that arrive together are committed together (see GroupCommit). */
  private readonly group: GroupCommit;
  readonly record: RecordFn;
  readonly scheduler: Scheduler;
  readonly allocations: Allocations;
  readonly warmUps: WarmUps;
  readonly stages: StageFlow;
  readonly control: JobControl;
  readonly liveness: Liveness;
  readonly desk: AgentDesk;
  readonly submission: Submission;
  readonly scaler: Scaler;
  readonly autoscaler: Autoscaler;
  readonly reconcilePorts: ReconcilePorts;

  constructor(
    readonly store: SqliteStore,
    readonly slurm: AllocationPort,
    readonly bus: EventBus,
    readonly cfg: CoordinatorConfig,
    readonly now: () => number = Date.now,
    io: CoordinatorIo = {},
  ) {
    this.group = new GroupCommit((fn) => store.transaction(fn));
    const files = io.files ?? localJobFiles;
    const log = io.log ?? (() => {});
    this.outage = new WriteOutage(log);
    const notify = (jobId: string) => this.waiters.notify(jobId);
    const requireJob = (jobId: string) => this.requireJob(jobId);
    const detail = (jobId: string) => this.detail(jobId);
    this.record = recorder({ events: store.events, bus, now, log });
    const record = this.record;
    this.scheduler = new Scheduler(store, cfg.leaseMs, now);
    this.warmUps = new WarmUps(store.tasks);
    const warmUpFor = (job: JobRow) => this.warmUps.of(job);
    this.allocations = new Allocations({ store, slurm, warmUpFor, record, now });
    const allocate = this.allocations.submit.bind(this.allocations);
    const finish = (jobId: string, state: 'succeeded' | 'failed', error?: string | null) =>
      this.control.finish(jobId, state, error ?? null);
    const probe = io.probe ?? nodeFiles;
    this.stages = new StageFlow({
      store,
      files: probe,
      transaction: (fn) => store.transaction(fn),
      record,
      notify,
      finish,
      maxAttempts: cfg.maxAttempts,
    });
    this.control = new JobControl({
      store,
      files,
      record,
      notify,
      releaseAll: (jobId) => this.allocations.cancelAll(jobId),
      resetStages: () => this.stages.reset(),
      advance: (jobId) => this.stages.advance(jobId),
      settled: (task) => this.stages.settled(task),
      detail,
      requireJob,
      now,
    });
    this.liveness = new Liveness({ store, waiters: this.waiters, record, times: cfg, now });
    this.desk = new AgentDesk({
      store,
      scheduler: this.scheduler,
      outputs: io.outputs ?? localOutputCheck,
      commit: (fn) => this.group.run(fn),
      waiters: this.waiters,
      record,
      bus,
      taskUpdated: (task) => {
        if (bus.listening)
          bus.emit({ type: 'task:updated', jobId: task.jobId, task: taskView(task) });
      },
      settled: (task) => this.stages.settled(task),
      touch: (agent) => this.liveness.touch(agent),
      failJob: (jobId, error) => this.control.finish(jobId, 'failed', error),
      times: cfg,
      now,
    });
    this.submission = new Submission({
      store,
      slurm,
      files,
      probe,
      record,
      allocate,
      finish,
      notifyChanged: (jobId) => bus.jobChanged(jobId),
      stateDir: cfg.stateDir,
      now,
    });
    this.scaler = new Scaler({ store, slurm, record, allocate, requireJob, notify, now });
    this.autoscaler = new Autoscaler({ store, record, now }, this.scaler);
    this.reconcilePorts = {
      store,
      slurm,
      record,
      submitsInFlight: () => this.allocations.inFlight,
      allocate,
      finish,
      dropAgent: (agent, why, level) => this.liveness.drop(agent, why, level),
      allocationOutput: io.allocationOutput ?? (() => undefined),
      jobChanged: (jobId) => bus.jobChanged(jobId),
      cancelled: new Map(),
      now,
    };
  }

  requireJob(jobId: string): JobRow {
    const job = this.store.jobs.get(jobId);
    if (!job) throw new NotFoundError(`no job ${jobId}: \`cluster-tool status\` lists the jobs`);
    return job;
  }

  detail(jobId: string): JobDetail {
    return jobDetail(this.store, this.requireJob(jobId));
  }

  // The user's operations.

  preview(req: SubmitRequest) {
    return this.submission.preview(req);
  }

  submit(req: SubmitRequest, actor: Actor = 'user'): Promise<JobRow> {
    return this.submission.submit(req, actor);
  }

  /** Submits and records a Slurm allocation for a job; returns its Slurm job id. */
  allocate(job: JobRow, nodes: number, role: 'primary' | 'attached', actor: Actor, why = '') {
    return this.allocations.submit(job, nodes, role, actor, why);
  }

  cancel(jobId: string, actor: Actor = 'user'): JobDetail {
    return this.control.cancel(jobId, actor);
  }

  retry(jobId: string, frames?: number[], actor: Actor = 'user'): RetryReply {
    return this.control.retry(jobId, frames, actor);
  }

  // The agents' operations.

  register(jobId: string, info: { node: string; gpu: string; slurmJobId: number; pid?: number }) {
    return this.desk.register(jobId, info);
  }

  lease(agentId: string, waitMs: number, signal?: AbortSignal): Promise<LeaseReply> {
    return this.desk.lease(agentId, waitMs, signal);
  }

  /** Renews a lease; answered once the next shared commit holds it. */
  renew(agentId: string, taskId: number): Promise<boolean> {
    return this.desk.renew(agentId, taskId);
  }

  /**
   * Records a finished task once its files are checked. False when this agent did not hold it,
   * or its files are missing (then it counts as a failed attempt).
   */
  async complete(
    agentId: string,
    taskId: number,
    result: Record<string, unknown>,
  ): Promise<boolean> {
    const r = await this.desk.complete(this.desk.agent(agentId), taskId, result);
    return 'done' in r && r.done !== null;
  }

  fail(
    agentId: string,
    taskId: number,
    error: string,
    tail: string[],
    blame: 'agent' | 'job' = 'agent',
  ): void {
    this.desk.fail(agentId, taskId, error, tail, blame);
  }

  /** Puts back expired leases and gives up on silent agents. */
  sweep(): void {
    this.liveness.sweep();
  }

  /**
   * One pass of the sweep loop. Nobody is judged by a clock the coordinator itself did not
   * keep: after `stoppedMs` of not running, or once writing works again after an outage (the
   * forgiving writes are what shows it works), leases and agents get their time back first.
   */
  sweepTick(stoppedMs = 0): void {
    try {
      if (stoppedMs > 0) this.liveness.forgiveGap(stoppedMs);
      const outage = this.outage.current;
      if (outage) {
        this.liveness.forgiveGap(this.now() - outage.since, 'unwritable');
        this.outage.ended(this.now());
      }
      this.sweep();
    } catch (err) {
      if (!isStorageFault(err)) throw err;
      this.outage.failed(err, this.now());
    }
  }

  dropAgent(a: AgentRow, why: string): void {
    this.liveness.drop(a, why);
  }

  /** Ends a job (see JobControl.finish). */
  finish(
    jobId: string,
    state: 'succeeded' | 'failed' | 'cancelled',
    error: string | null = null,
    actor: Actor = 'coordinator',
  ): void {
    this.control.finish(jobId, state, error, actor);
  }
}
