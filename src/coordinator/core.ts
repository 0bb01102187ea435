// One file: the composition of the coordinator's parts and the facade the HTTP routes call (one
// method a line or two, handing over to the part that decides) are one class.
import { UserDirectory } from './users/user-directory.js';
import type { TaskProgressReport } from '../api/agent-protocol.js';
import { nodeFiles } from '../util/node-files.js';
import type { FileProbe } from '../util/file-probe.js';
import { wholeFrames } from '../renderers/blender/resume.js';
import { AgentDesk, type AgentTimes } from './desk/agent-desk.js';
import { FarmMetrics } from './metrics/farm-metrics.js';
import { Liveness } from './desk/liveness.js';
import { WarmUps } from './desk/warm-ups.js';
import { Allocations } from './allocations/allocations.js';
import type { ReconcilePorts } from './allocations/reconcile.js';
import type {
  ClusterView,
  CoordinatorEvent,
  CoordinatorHealth,
  JobDetail,
  JobSummary,
  RetryReply,
  ScaleRequest,
  SubmitRequest,
} from '../api/types.js';
import { NotFoundError } from './errors.js';
import type { EventBus } from './events.js';
import { recorder, type Actor, type RecordFn } from './history.js';
import { localJobFiles, type JobFiles } from './io/job-files.js';
import { localOutputCheck, type OutputCheck } from './io/output-check.js';
import { JobControl } from './job-control.js';
import { jobTypeOf } from './jobs/registry.js';
import { setPriority } from './allocations/priority.js';
import type { AllocationPort } from './ports.js';
import { Autoscaler } from './scaling/autoscaler.js';
import { Scaler } from './scaling/scaler.js';
import { Scheduler, type LeaseDecision } from './scheduler/scheduler.js';
import { StageFlow } from './stages/stage-flow.js';
import { GroupCommit } from './store/group-commit.js';
import type { SqliteStore } from './store/sqlite-store.js';
import type { AgentRow, JobRow, TaskRow } from './store/types.js';
import { isStorageFault, WriteOutage } from './io/write-outage.js';
import type { FrameScanner } from './planning.js';
import { readToken } from './state-dir.js';
import { QueueEnvironments } from './queue-environments.js';
import { Submission } from './submission.js';
import { DEFAULT_SUSPEND_GRACE_MS, Suspension } from './suspension.js';
import { clusterView } from './view/cluster.js';
import { farmView } from './view/farm.js';
import { clearBlocklist } from './desk/blocklist.js';
import type { FarmView } from '../api/farm.js';
import { findTask, type TaskQuery } from './view/find-task.js';
import { followJob } from './view/job-stream.js';
import { jobLogs } from './view/job-logs.js';
import { taskLog } from './view/task-log.js';
import { taskDetail, taskPage, type TaskPageQuery } from './view/tasks.js';
import { agentView, jobDetail, jobSummary, taskView } from './views.js';
import { Waiters } from './waiters.js';

export type { Actor } from './history.js';

/** Tunables; the defaults suit a real cluster and the local one alike. */
export interface CoordinatorConfig extends AgentTimes {
  stateDir: string;
  /** URLs every job's end is told to (`coordinator start --notify`). */
  notifyUrls?: readonly string[];
  /** How long a suspended job keeps its nodes (ms, default DEFAULT_SUSPEND_GRACE_MS). */
  suspendGraceMs?: number;
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
  /** Reads frame files for the resume scan. */
  scanFrames?: FrameScanner;
  log?: (line: string) => void;
  allocationOutput?: ReconcilePorts['allocationOutput'];
  outputs?: OutputCheck;
  /** What `GET /metrics` shows (the service shares it with its Slurm client). */
  metrics?: FarmMetrics;
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
  /** The OpenJD environment templates every OpenJD job runs in (`cluster-tool env`). */
  readonly queueEnvironments: QueueEnvironments;
  readonly scaler: Scaler;
  readonly autoscaler: Autoscaler;
  readonly suspension: Suspension;
  readonly metrics: FarmMetrics;
  /** Whose user tokens are accepted besides the operator's (users/enrolment.ts). */
  readonly users: UserDirectory;
  readonly reconcilePorts: ReconcilePorts;

  constructor(
    readonly store: SqliteStore,
    readonly slurm: AllocationPort,
    readonly bus: EventBus,
    readonly cfg: CoordinatorConfig,
    readonly now: () => number = Date.now,
    io: CoordinatorIo = {},
  ) {
    this.users = new UserDirectory(cfg.stateDir);
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
    const shapeOf = (job: JobRow) => jobTypeOf(job.kind).allocation;
    this.allocations = new Allocations({ store, slurm, shapeOf, warmUpFor, record, now });
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
      holdsAllocations: (jobId) => store.allocations.list(jobId).some((a) => a.state !== 'ended'),
      resetStages: () => this.stages.reset(),
      advance: (jobId) => this.stages.advance(jobId),
      settled: (task) => this.stages.settled(task),
      detail,
      requireJob,
      now,
    });
    this.liveness = new Liveness({ store, waiters: this.waiters, record, times: cfg, now });
    this.metrics = io.metrics ?? new FarmMetrics(store.counts, () => store.notices.pending());
    const leaseDecision = this.metrics.leaseDecision;
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
          bus.emit({ type: 'task:updated', jobId: task.jobId, task: taskView(task, store.live) });
      },
      settled: (task) => this.stages.settled(task),
      resized: (jobId, stage, delta) => this.stages.resized(jobId, stage, delta),
      touch: (agent) => this.liveness.touch(agent),
      failJob: (jobId, error) => this.control.finish(jobId, 'failed', error),
      times: cfg,
      leaseTimed: (seconds) => leaseDecision.observe(seconds),
      retriesOf: (jobId) => store.jobs.get(jobId)?.spec.maxRetriesPerTask,
      // After the lease's transaction and reply: the scaler asks Slurm, and waits for drains.
      // (deferred: the coordinator may have closed by then; a failure is logged, never thrown).
      foundNothing: (jobId) =>
        setImmediate(() => {
          if (!store.open) return;
          this.scaler
            .releaseFinished(jobId)
            .catch((err: Error) => log(`releasing finished nodes of ${jobId}: ${err.message}`));
        }),
      now,
    });
    const queueEnvironments = new QueueEnvironments(store.queueEnvironments, now);
    this.queueEnvironments = queueEnvironments;
    this.submission = new Submission({
      store,
      slurm,
      files,
      probe,
      scanFrames: io.scanFrames ?? wholeFrames,
      record,
      allocate,
      finish,
      notifyChanged: (jobId) => bus.jobChanged(jobId),
      stateDir: cfg.stateDir,
      notifyUrls: cfg.notifyUrls ?? [],
      queueEnvironments: () => queueEnvironments.templates(),
      now,
    });
    this.scaler = new Scaler({
      store,
      slurm,
      record,
      allocate,
      requireJob,
      shapeOf,
      notify,
      now,
    });
    this.autoscaler = new Autoscaler(
      { store, record, now, partitionNodes: () => slurm.partitionNodes() },
      this.scaler,
    );
    this.suspension = new Suspension({
      store,
      record,
      requireJob,
      shapeOf,
      isService: (job) => jobTypeOf(job.kind).service !== undefined,
      notify,
      releaseAll: (jobId, actor, why) => this.scaler.releaseAll(jobId, actor, why),
      growBack: (jobId, actor, why) => this.scaler.growBack(jobId, actor, why),
      graceMs: cfg.suspendGraceMs ?? DEFAULT_SUSPEND_GRACE_MS,
      now,
    });
    this.reconcilePorts = {
      store,
      slurm,
      record,
      submitsInFlight: () => this.allocations.inFlight,
      allocate,
      finish,
      closing: (jobId) => this.control.closing(jobId),
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
    return this.detailOf(this.requireJob(jobId));
  }

  detailOf(job: JobRow): JobDetail {
    return jobDetail(this.store, job);
  }

  // The user's operations.

  preview(req: SubmitRequest) {
    return this.submission.preview(req);
  }

  submit(req: SubmitRequest, actor: Actor = 'user', owner: string | null = null): Promise<JobRow> {
    return this.submission.submit(req, actor, owner);
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

  /** Stops leasing a job's tasks; its nodes go back after the grace (see Suspension). */
  suspend(jobId: string, actor: Actor = 'user'): JobDetail {
    this.suspension.suspend(jobId, actor);
    return this.detail(jobId);
  }

  /** Leases a suspended job's tasks again and asks for its nodes again. */
  async resume(jobId: string, actor: Actor = 'user'): Promise<JobDetail> {
    await this.suspension.resume(jobId, actor);
    return this.detail(jobId);
  }

  /** Sets a queued or running job's priority; its allocations waiting in Slurm are reordered. */
  async setPriority(jobId: string, priority: number, actor: Actor = 'user'): Promise<void> {
    const p = { store: this.store, slurm: this.slurm, record: this.record };
    await setPriority(p, this.requireJob(jobId), priority, actor);
  }

  // The agents' operations.

  register(jobId: string, info: { node: string; gpu: string; slurmJobId: number; pid?: number }) {
    return this.desk.register(jobId, info);
  }

  lease(agentId: string, waitMs: number, signal?: AbortSignal): Promise<LeaseReply> {
    return this.desk.lease(agentId, waitMs, signal);
  }

  /** `lease` as the route calls it, with the agent's and job's rows it has read. */
  leaseFor(agent: AgentRow, waitMs: number, signal: AbortSignal, job: JobRow): Promise<LeaseReply> {
    return this.desk.lease(agent, waitMs, signal, job);
  }

  /** Renews a lease (noting how far the task is); answered once the next shared commit holds it. */
  renew(agentId: string, taskId: number, progress?: TaskProgressReport): Promise<boolean> {
    return this.desk.renew(agentId, taskId, progress);
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

  /** `complete` as the route calls it: rows read, the next lease asked for, the whole answer. */
  completeFor(
    agent: AgentRow,
    taskId: number,
    result: Record<string, unknown>,
    leaseNext: boolean,
    job: JobRow,
  ) {
    return this.desk.complete(agent, taskId, result, leaseNext, job);
  }

  fail(...args: Parameters<AgentDesk['fail']>): void {
    this.desk.fail(...args);
  }

  get leaseMs(): number {
    return this.cfg.leaseMs;
  }

  agentOf(agentId: string): AgentRow {
    return this.desk.agent(agentId);
  }

  warmUpOf(job: JobRow) {
    return this.warmUps.of(job);
  }

  // What the HTTP routes read and ask besides: each route module declares the port it uses
  // (http/*-routes.ts, http/server.ts, viewer/routes.ts), and this class is the one that fills them.

  /** The Prometheus text `GET /metrics` serves. */
  metricsText(): string {
    return this.metrics.text();
  }

  health(): CoordinatorHealth {
    return { writeOutage: this.outage.current };
  }

  jobs(): JobSummary[] {
    return this.store.jobs.list().map((j) => jobSummary(this.store, j));
  }

  tasks(jobId: string, q: TaskPageQuery) {
    return taskPage(this.store.tasks, jobId, q, this.store.live);
  }

  task(jobId: string, q: TaskQuery): TaskRow {
    this.requireJob(jobId);
    return findTask(this.store.tasks, jobId, q);
  }

  taskDetail(jobId: string, q: TaskQuery) {
    return taskDetail(this.store.tasks, this.requireJob(jobId), q);
  }

  taskLog(jobId: string, q: TaskQuery, tail: number, attempt?: number) {
    return taskLog(this.store.tasks, this.requireJob(jobId), q, tail, attempt);
  }

  requeueTask(jobId: string, taskId: number, name: string, actor: Actor = 'user'): TaskRow {
    return this.control.requeueTask(jobId, taskId, name, actor);
  }

  cancelTask(jobId: string, taskId: number, name: string, actor: Actor = 'user'): TaskRow {
    return this.control.cancelTask(jobId, taskId, name, actor);
  }

  scale(jobId: string, req: ScaleRequest, actor: Actor = 'user'): Promise<void> {
    return this.scaler.scale(jobId, req, actor);
  }

  logs(job: JobRow, q: { agent?: string; tail?: number }) {
    const releases = this.store.events
      .ofType(job.id, 'scale:shrink')
      .flatMap((e) =>
        'nodes' in e.data ? [{ nodes: e.data.nodes, at: e.at, actor: e.actor }] : [],
      );
    return jobLogs(this.store.agents, job, q, releases);
  }

  async clusterView(): Promise<ClusterView> {
    return clusterView(await this.slurm.partitionNodes(), this.store.allocations.list());
  }

  /** The farm page: nodes with their agents, the open jobs in start order with their blocklists. */
  async farmView(): Promise<FarmView> {
    const open = this.store.jobs
      .list()
      .filter((j) => j.state === 'running' || j.state === 'queued');
    const jobs = open.map((j) => {
      const leased = this.store.tasks
        .list(j.id, { state: 'leased' })
        .tasks.map((t) => taskView(t, this.store.live));
      const agents = this.store.agents
        .list(j.id)
        .filter((a) => a.state !== 'gone')
        .map((a) => agentView(a, leased.find((t) => t.agentId === a.id) ?? null));
      return { summary: jobSummary(this.store, j), agents };
    });
    return farmView(await this.clusterView(), jobs);
  }

  /** Forgets a job's blocklisted agents and the tasks they failed (see desk/blocklist.ts). */
  async clearBlocked(jobId: string, actor: Actor = 'user'): Promise<JobDetail> {
    const p = {
      store: this.store,
      record: this.record,
      growBack: (id: string, who: Actor, why: string) => this.scaler.growBack(id, who, why),
    };
    await clearBlocklist(p, this.requireJob(jobId), actor);
    return this.detail(jobId);
  }

  streamEvents(write: (chunk: string) => void): () => void {
    return this.bus.stream(write);
  }

  announce(e: CoordinatorEvent): void {
    this.bus.emit(e);
  }

  followJob(jobId: string, send: (e: CoordinatorEvent) => void): () => void {
    return followJob(this.store, this.bus, jobId, send);
  }

  tokenOwner(token: string) {
    return this.store.jobs.tokenOwner(token);
  }

  storageFailed(err: unknown): void {
    this.outage.failed(err, this.now());
  }

  userToken(): string | undefined {
    return readToken(this.cfg.stateDir);
  }

  isEnrolled(token: string): boolean {
    return this.users.ofToken(token) !== undefined;
  }

  jobOwner(jobId: string): string | null | undefined {
    return this.store.jobs.owner(jobId);
  }

  revokeUserTokens(user: string): number {
    return this.users.revoke(user);
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
      this.suspension.tick();
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
