import { removePartialFiles } from '../util/fs.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CliError, UsageError } from '../errors.js';
import type { JobDetail, SubmitRequest } from './api-types.js';
import type { EventBus } from './events.js';
import { planJob } from './jobs/plan.js';
import type { AllocationPort } from './ports.js';
import type { SqliteStore } from './store/sqlite-store.js';
import type { AgentRow, EventRow, JobRow, TaskRow } from './store/types.js';
import { writeJobResults } from './jobs/results.js';
import { jobDetail, taskView } from './views.js';
import { Scaler } from './scaling.js';
import { Waiters } from './waiters.js';

/** Tunables; the defaults suit a real cluster and the local one alike. */
export interface CoordinatorConfig {
  stateDir: string;
  /** A lease not renewed for this long puts its task back (default 15 s). */
  leaseMs: number;
  /** An agent silent for this long is gone and its tasks go back (default 20 s). */
  agentTimeoutMs: number;
  /** Attempts before a task fails (default 3). */
  maxAttempts: number;
  /** Failures after which an agent is blocklisted for the job (default 3). */
  maxAgentFailures: number;
}

export const DEFAULT_CONFIG: Omit<CoordinatorConfig, 'stateDir'> = {
  leaseMs: 15_000,
  agentTimeoutMs: 20_000,
  maxAttempts: 3,
  maxAgentFailures: 3,
};

export type Actor = EventRow['actor'];

/** What an agent gets when it asks for work. */
export type LeaseReply = { task: TaskRow } | { exit: string } | { idle: true };

/** The scheduling core: jobs, stages, tasks, leases and agents. Slurm and SQLite come in through ports. */
export class Coordinator {
  readonly waiters = new Waiters();
  readonly scaler: Scaler = new Scaler(this);
  /** Tasks still queued or leased per `job/stage`, so a completion needs no COUNT(*). */
  private readonly open = new Map<string, number>();
  /**
   * sbatch calls not yet recorded in the store. Reconciliation leaves Slurm jobs it does not know
   * alone while one is in flight: it is most likely that one, about to be recorded.
   */
  submitsInFlight = 0;

  constructor(
    readonly store: SqliteStore,
    readonly slurm: AllocationPort,
    readonly bus: EventBus,
    readonly cfg: CoordinatorConfig,
    readonly now: () => number = Date.now,
  ) {}

  // ---------- history ----------

  record(
    jobId: string,
    type: string,
    actor: Actor,
    message: string,
    data: Record<string, unknown> = {},
  ): void {
    const e = this.store.events.add({ jobId, at: this.now(), type, actor, message, data });
    this.bus.emit({
      type: 'job:event',
      jobId,
      event: { id: e.id, at: e.at, type, actor, message, data },
    });
    this.bus.jobChanged(jobId);
  }

  requireJob(jobId: string): JobRow {
    const job = this.store.jobs.get(jobId);
    if (!job) throw new CliError(`no job ${jobId}: \`cluster-tool status\` lists the jobs`, 4);
    return job;
  }

  detail(jobId: string): JobDetail {
    return jobDetail(this.store, this.requireJob(jobId));
  }

  // ---------- jobs ----------

  private async planJob(req: SubmitRequest) {
    const partition = await this.slurm.partitionNodes();
    const limits = {
      partitionNodes: partition.length,
      maxGpusPerNode: Math.max(1, ...partition.map((n) => n.gpus)),
    };
    const seq = this.store.jobs.nextSeq();
    const id = `j${seq}`;
    const dir = path.join(this.cfg.stateDir, 'jobs', id);
    const plan = planJob(req, limits, { id, dir, outputDir: path.join(dir, 'output') });
    const job: JobRow = {
      id,
      seq,
      kind: plan.kind,
      name: plan.name,
      state: 'queued',
      spec: plan.request,
      dir,
      outputDir: path.join(dir, 'output'),
      agentToken: randomBytes(24).toString('hex'),
      nodesWanted: plan.nodes,
      gpusPerNode: plan.gpusPerNode,
      auto: plan.request.auto ?? null,
      video: null,
      error: null,
      createdAt: this.now(),
      finishedAt: null,
    };
    return { job, plan };
  }

  /** What a submission would do, without doing it: the tasks and the allocation's sbatch script. */
  async preview(req: SubmitRequest) {
    const { job, plan } = await this.planJob(req);
    return {
      job: {
        id: job.id,
        name: job.name,
        nodes: job.nodesWanted,
        gpusPerNode: job.gpusPerNode,
        dir: job.dir,
        outputDir: job.outputDir,
      },
      summary: plan.summary,
      tasks: plan.tasks.map((t) => ({
        stage: t.stage,
        kind: t.kind,
        frames: t.frames,
        payload: t.payload,
      })),
      warnings: plan.warnings ?? [],
      sbatch: this.slurm.plan(job, { nodes: job.nodesWanted, role: 'primary' }),
    };
  }

  /** Validates, writes the job and its tasks, and submits its first allocation. */
  async submit(req: SubmitRequest, actor: Actor = 'user'): Promise<JobRow> {
    const { job, plan } = await this.planJob(req);
    const { id, dir } = job;
    for (const d of [dir, job.outputDir, path.join(dir, 'thumbs'), path.join(dir, 'logs')])
      mkdirSync(d, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, 'agent.token'), job.agentToken, { mode: 0o600 });
    this.store.insertJob(job, plan.stages, plan.tasks);
    this.record(id, 'job:submitted', actor, plan.summary, { tasks: plan.tasks.length });
    for (const w of plan.warnings ?? []) this.record(id, 'job:warning', 'coordinator', w);
    try {
      await this.allocate(job, job.nodesWanted, 'primary', actor);
    } catch (err) {
      this.finish(
        job.id,
        'failed',
        `could not submit the Slurm allocation: ${(err as Error).message}`,
      );
      throw err;
    }
    this.store.jobs.update(id, { state: 'running' });
    this.bus.jobChanged(id);
    return this.requireJob(id);
  }

  /** Submits a Slurm allocation for a job and records it. */
  async allocate(
    job: JobRow,
    nodes: number,
    role: 'primary' | 'attached',
    actor: Actor,
    why = '',
  ): Promise<number> {
    const primary = this.store.allocations
      .list(job.id)
      .find((a) => a.role === 'primary' && a.state !== 'ended');
    let slurmJobId: number;
    this.submitsInFlight++;
    try {
      slurmJobId = await this.slurm.submit(job, {
        nodes,
        role,
        ...(role === 'attached' && primary ? { attachTo: primary.slurmJobId } : {}),
      });
    } finally {
      this.submitsInFlight--;
    }
    this.store.allocations.insert({
      slurmJobId,
      jobId: job.id,
      role,
      state: 'pending',
      nodes: [],
      requestedNodes: nodes,
      reason: '',
      createdAt: this.now(),
      endedAt: null,
    });
    this.record(
      job.id,
      'allocation:submitted',
      actor,
      `Slurm job ${slurmJobId}: ${nodes} node(s), ${role}${why ? ` (${why})` : ''}`,
      { slurmJobId, nodes, role },
    );
    return slurmJobId;
  }

  /** Ends a job: records the outcome, wakes its agents so they exit, and releases its allocations. */
  finish(
    jobId: string,
    state: 'succeeded' | 'failed' | 'cancelled',
    error: string | null = null,
    actor: Actor = 'coordinator',
  ): void {
    this.store.jobs.update(jobId, { state, error, finishedAt: this.now() });
    if (state === 'cancelled') this.store.tasks.cancelOpen(jobId, this.now());
    const job = this.store.jobs.get(jobId);
    if (job) removePartialFiles(job.outputDir);
    writeJobResults(this.store, jobId, (m) =>
      this.record(jobId, 'results:written', 'coordinator', m),
    );
    this.record(jobId, `job:${state}`, actor, error ?? `job ${state}`);
    this.waiters.notify(jobId);
    const active = this.store.allocations.list(jobId).filter((a) => a.state !== 'ended');
    // Agents exit on their own once told; cancelling makes sure no node stays held.
    setTimeout(() => {
      void this.slurm.cancel(active.map((a) => a.slurmJobId)).catch(() => {});
    }, 1_000).unref();
  }

  cancel(jobId: string, actor: Actor = 'user'): JobDetail {
    const job = this.requireJob(jobId);
    if (job.state === 'running' || job.state === 'queued')
      this.finish(jobId, 'cancelled', null, actor);
    return this.detail(jobId);
  }

  /** Requeues failed tasks (or the tasks holding `frames`) with fresh attempts; the job runs again. */
  retry(jobId: string, frames?: number[], actor: Actor = 'user'): JobDetail {
    const job = this.requireJob(jobId);
    const all = this.store.tasks.list(jobId).tasks;
    const wanted = frames
      ? all.filter((t) => t.stage === 'render' && t.frames.some((f) => frames.includes(f)))
      : all.filter(
          (t) => t.state === 'failed' || (job.state === 'cancelled' && t.state === 'cancelled'),
        );
    if (frames) {
      const known = new Set(all.flatMap((t) => t.frames));
      const unknown = frames.filter((f) => !known.has(f));
      if (unknown.length)
        throw new UsageError(`frames ${unknown.join(',')} are not part of job ${jobId}`);
    }
    if (!wanted.length) throw new UsageError(`job ${jobId} has no failed tasks to retry`);
    const n = this.store.tasks.reopen(
      jobId,
      wanted.map((t) => t.id),
    );
    // Re-open every stage from the earliest one that got work back.
    const stages = this.store.stages.list(jobId);
    const first = Math.min(...wanted.map((t) => stages.find((s) => s.name === t.stage)?.seq ?? 0));
    for (const s of stages) {
      if (s.seq === first) this.store.stages.setState(jobId, s.name, 'ready');
      else if (s.seq > first) this.store.stages.setState(jobId, s.name, 'waiting');
    }
    this.open.clear();
    // Later stages (the encode) run again over the new frames.
    if (first < Math.max(...stages.map((s) => s.seq))) {
      this.store.tasks.reopen(
        jobId,
        all
          .filter((t) => (stages.find((s) => s.name === t.stage)?.seq ?? 0) > first)
          .map((t) => t.id),
      );
    }
    this.store.jobs.update(jobId, { state: 'running', error: null, finishedAt: null });
    this.record(jobId, 'job:retried', actor, `${n} task(s) queued again`, {
      tasks: n,
      frames: frames ?? null,
    });
    this.waiters.notify(jobId);
    return this.detail(jobId);
  }

  // ---------- stages ----------

  private openKey(jobId: string, stage: string): string {
    return `${jobId}/${stage}`;
  }

  private openCount(jobId: string, stage: string): number {
    const key = this.openKey(jobId, stage);
    let n = this.open.get(key);
    if (n === undefined) {
      const p = this.store.tasks.progress(jobId, stage).tasks;
      n = p.queued + p.leased;
      this.open.set(key, n);
    }
    return n;
  }

  /** A task left the queued/leased set for good: maybe the stage, and then the job, is over. */
  settled(task: TaskRow): void {
    const key = this.openKey(task.jobId, task.stage);
    const n = this.openCount(task.jobId, task.stage) - 1;
    this.open.set(key, n);
    if (n > 0) return;
    this.open.delete(key);
    this.advance(task.jobId);
  }

  /** Moves a job past every finished stage; ends it when none is left. */
  advance(jobId: string): void {
    const job = this.store.jobs.get(jobId);
    if (!job || job.state !== 'running') return;
    for (const stage of this.store.stages.list(jobId)) {
      if (stage.state === 'done') continue;
      if (stage.state === 'waiting') {
        this.store.stages.setState(jobId, stage.name, 'ready');
        this.record(jobId, 'stage:started', 'coordinator', `stage ${stage.name} started`);
        this.waiters.notify(jobId);
      }
      const p = this.store.tasks.progress(jobId, stage.name).tasks;
      if (p.queued + p.leased > 0) return;
      if (p.failed > 0) {
        this.store.stages.setState(jobId, stage.name, 'failed');
        const failed = this.store.tasks.list(jobId, { stage: stage.name, state: 'failed' }).tasks;
        const frames = failed.flatMap((t) => t.frames);
        const what = frames.length ? `frame(s) ${frames.join(',')}` : `${failed.length} task(s)`;
        this.finish(
          jobId,
          'failed',
          `${what} failed after ${this.cfg.maxAttempts} attempts: ${failed[0]?.error ?? ''}`,
        );
        return;
      }
      this.store.stages.setState(jobId, stage.name, 'done');
      this.record(jobId, 'stage:done', 'coordinator', `stage ${stage.name} done`);
    }
    this.finish(jobId, 'succeeded');
  }

  // ---------- agents ----------

  register(
    jobId: string,
    info: { node: string; gpu: string; slurmJobId: number; pid?: number },
  ): AgentRow | { exit: string } {
    const job = this.requireJob(jobId);
    if (job.state !== 'running') return { exit: `job ${jobId} is ${job.state}` };
    const n = this.store.agents.list(jobId).length + 1;
    const agent: AgentRow = {
      id: `${jobId}.${info.node}.gpu${info.gpu}.${n}`,
      jobId,
      node: info.node,
      gpu: info.gpu,
      slurmJobId: info.slurmJobId,
      state: 'active',
      failures: 0,
      pid: info.pid ?? null,
      registeredAt: this.now(),
      lastSeen: this.now(),
    };
    this.store.agents.insert(agent);
    this.record(
      jobId,
      'agent:registered',
      'coordinator',
      `agent on ${info.node} GPU ${info.gpu} (Slurm job ${info.slurmJobId})`,
      { agentId: agent.id },
    );
    return agent;
  }

  private liveAgent(agentId: string): AgentRow {
    const agent = this.store.agents.get(agentId);
    if (!agent) throw new CliError(`unknown agent ${agentId}`, 4);
    return agent;
  }

  /**
   * Notes that an agent was heard from. On the lease/complete hot path a write per request would
   * cost a commit each; a `lastSeen` up to a second old is as good against a 20 s timeout.
   */
  private touch(agent: AgentRow): void {
    const now = this.now();
    if (now - agent.lastSeen < 1_000) return;
    this.store.agents.update(agent.id, { lastSeen: now });
    agent.lastSeen = now;
  }

  /** Why an agent should stop asking for work, or null while it should keep going. */
  private exitReason(agent: AgentRow, job: JobRow): string | null {
    if (job.state !== 'running') return `job ${job.id} is ${job.state}`;
    if (agent.state === 'blocked')
      return `blocklisted for job ${job.id} after ${agent.failures} failures`;
    if (agent.state === 'draining') return 'drained';
    if (agent.state === 'gone')
      return 'the coordinator gave this agent up; its tasks went back to the queue';
    return null;
  }

  heartbeat(agentId: string): { drain: boolean; exit: string | null } {
    const agent = this.liveAgent(agentId);
    this.store.agents.update(agentId, { lastSeen: this.now() });
    const job = this.requireJob(agent.jobId);
    return { drain: agent.state === 'draining', exit: this.exitReason(agent, job) };
  }

  /** Long-polls for a task for up to `waitMs`. */
  async lease(agentId: string, waitMs: number, signal?: AbortSignal): Promise<LeaseReply> {
    const deadline = this.now() + Math.min(Math.max(waitMs, 0), 10_000);
    for (;;) {
      const r = this.leaseNow(agentId);
      if ('task' in r || 'exit' in r) return r;
      const left = deadline - this.now();
      if (left <= 0 || signal?.aborted) return { idle: true };
      await this.waiters.wait(r.jobId, left, signal);
    }
  }

  /** One try at a task, without waiting (synchronous, so it can share a transaction with a completion). */
  leaseNow(agentId: string): { task: TaskRow } | { exit: string } | { idle: true; jobId: string } {
    return this.leaseFor(this.liveAgent(agentId));
  }

  /** `leaseNow` for a caller that has just read the agent's row (the hot path reads it once). */
  leaseFor(agent: AgentRow): { task: TaskRow } | { exit: string } | { idle: true; jobId: string } {
    const job = this.requireJob(agent.jobId);
    this.touch(agent);
    const why = this.exitReason(agent, job);
    if (why) return { exit: why };
    const stage = this.store.stages.list(job.id).find((s) => s.state === 'ready');
    if (stage) {
      const task = this.store.tasks.leaseNext(
        job.id,
        stage.name,
        agent,
        this.now(),
        this.cfg.leaseMs,
      );
      if (task) {
        this.bus.jobChanged(job.id);
        return { task };
      }
    }
    return { idle: true, jobId: job.id };
  }

  renew(agentId: string, taskId: number): boolean {
    this.store.agents.update(agentId, { lastSeen: this.now() });
    return this.store.tasks.renew(taskId, agentId, this.now() + this.cfg.leaseMs);
  }

  /** Records a finished task. False when it was already done by another agent (nothing recorded). */
  complete(agentId: string, taskId: number, result: Record<string, unknown>): boolean {
    return this.completeBy(this.liveAgent(agentId), taskId, result) !== null;
  }

  /** `complete` for a caller holding the agent's row; returns the task as recorded, or null. */
  completeBy(agent: AgentRow, taskId: number, result: Record<string, unknown>): TaskRow | null {
    const task = this.store.tasks.get(taskId);
    if (!task || task.jobId !== agent.jobId)
      throw new CliError(`task ${taskId} is not a task of job ${agent.jobId}`, 4);
    this.touch(agent);
    if (!this.store.tasks.complete(taskId, agent, result, this.now())) return null;
    if (task.kind === 'blender-encode' && typeof result.video === 'string')
      this.store.jobs.update(task.jobId, { video: result.video });
    const done = this.store.tasks.get(taskId) ?? null;
    if (done && this.bus.listening)
      this.bus.emit({ type: 'task:updated', jobId: task.jobId, task: taskView(done) });
    this.bus.jobChanged(task.jobId);
    this.settled(task);
    return done;
  }

  /** Records a failed attempt: the task goes to another agent, or fails after maxAttempts. */
  fail(agentId: string, taskId: number, error: string, tail: string[]): void {
    const agent = this.liveAgent(agentId);
    const task = this.store.tasks.get(taskId);
    if (!task || task.jobId !== agent.jobId)
      throw new CliError(`task ${taskId} is not a task of job ${agent.jobId}`, 4);
    const state = this.store.tasks.fail(
      taskId,
      agentId,
      error,
      tail.slice(-40),
      this.cfg.maxAttempts,
      this.now(),
    );
    if (!state) return;
    const failures = agent.failures + 1;
    this.store.agents.update(agentId, {
      failures,
      ...(failures >= this.cfg.maxAgentFailures ? { state: 'blocked' as const } : {}),
    });
    const frames = task.frames.length ? ` (frames ${task.frames.join(',')})` : '';
    this.record(
      task.jobId,
      'task:failed',
      'coordinator',
      `task ${taskId}${frames} failed on ${agent.node} GPU ${agent.gpu}: ${error}`,
      {
        taskId,
        agentId,
        final: state === 'failed',
      },
    );
    if (failures >= this.cfg.maxAgentFailures) {
      this.record(
        task.jobId,
        'agent:blocked',
        'coordinator',
        `agent ${agentId} blocklisted after ${failures} failures`,
        { agentId },
      );
    }
    const updated = this.store.tasks.get(taskId);
    if (updated)
      this.bus.emit({ type: 'task:updated', jobId: task.jobId, task: taskView(updated) });
    if (state === 'failed') this.settled(task);
    else this.waiters.notify(task.jobId);
  }

  /** Puts back tasks whose leases ran out and gives up on agents that went silent. */
  sweep(): void {
    const now = this.now();
    for (const t of this.store.tasks.requeueLeased({ expiredBefore: now }, now)) {
      this.record(
        t.jobId,
        'task:requeued',
        'coordinator',
        `task ${t.id} lease expired (agent ${t.agentId ?? '?'}); back in the queue`,
        { taskId: t.id },
      );
      this.waiters.notify(t.jobId);
    }
    for (const a of this.store.agents.live()) {
      if (a.lastSeen >= now - this.cfg.agentTimeoutMs) continue;
      this.dropAgent(a, `silent for ${Math.round((now - a.lastSeen) / 1000)} s`);
    }
  }

  /** Marks an agent gone and hands its tasks back at once. */
  dropAgent(a: AgentRow, why: string): void {
    this.store.agents.update(a.id, { state: 'gone' });
    const back = this.store.tasks.requeueLeased({ agentId: a.id }, this.now());
    this.record(
      a.jobId,
      'agent:gone',
      'coordinator',
      `agent ${a.id} gone (${why})${back.length ? `; ${back.length} task(s) back in the queue` : ''}`,
      { agentId: a.id },
    );
    if (back.length) this.waiters.notify(a.jobId);
  }
}
