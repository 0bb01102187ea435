// One file, over 8 KB: a grow and a shrink share the job's checks and its one-resize-at-a-time
// lock; the node choice (pick-nodes.ts) and the release (release.ts) are already their own.
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../errors.js';
import type { ScaleRequest } from '../../api/types.js';
import type { Actor, RecordFn } from '../history.js';
import type { AllocationPort } from '../ports.js';
import type { AgentsTable } from '../store/tables/agents.js';
import type { AllocationsTable } from '../store/tables/allocations.js';
import type { JobsTable } from '../store/tables/jobs.js';
import type { StagesTable } from '../store/tables/stages.js';
import type { TasksTable } from '../store/tables/tasks/tasks-table.js';
import type { AgentRow, JobRow } from '../store/types.js';
import type { AllocationShape } from '../jobs/job-type.js';
import { carriesJob } from '../allocations/node-jobs.js';
import { finishedNodes, mayReleaseFinished } from './finished-nodes.js';
import { pickNodes, type HeldNode } from './pick-nodes.js';
import { releaseNodes } from './release.js';

export type { HeldNode } from './pick-nodes.js';

/** What growing and shrinking a job needs. */
export interface ScalerPorts {
  store: {
    jobs: Pick<JobsTable, 'update'>;
    allocations: Pick<AllocationsTable, 'list' | 'update' | 'noteResized' | 'resized'>;
    agents: Pick<AgentsTable, 'list' | 'update'>;
    tasks: Pick<TasksTable, 'list' | 'requeueLeased'>;
    stages: Pick<StagesTable, 'list'>;
  };
  slurm: Pick<AllocationPort, 'list' | 'partitionNodes' | 'cancel' | 'shrink' | 'resizesOnce'>;
  record: RecordFn;
  allocate: (
    job: JobRow,
    nodes: number,
    role: 'attached',
    actor: Actor,
    why: string,
  ) => Promise<number>;
  requireJob: (jobId: string) => JobRow;
  /** How the job's nodes are asked of Slurm (its type's `allocation`). */
  shapeOf: (job: JobRow) => AllocationShape;
  /** Wakes the job's agents (drained ones exit). */
  notify: (jobId: string) => void;
  now: () => number;
}

/**
 * Grows a running job with more Slurm jobs (node-jobs.ts: single-node ones for a per-node job,
 * an attached allocation for a job of one allocation) and shrinks it by draining agents and then
 * releasing nodes (`scancel` of a Slurm job left with none, which is every node job of a per-node
 * job; else `scontrol update NodeList=`). Requests for one job run one after another.
 */
export class Scaler {
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Jobs whose finished nodes are being looked for (releaseFinished). */
  private readonly finishing = new Set<string>();

  constructor(private readonly p: ScalerPorts) {}

  /** Runs `fn` after every earlier scale request of the same job has finished. */
  private serialize<T>(jobId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(jobId) ?? Promise.resolve();
    const next = prev.catch(() => {}).then(fn);
    this.locks.set(jobId, next);
    return next.finally(() => {
      if (this.locks.get(jobId) === next) this.locks.delete(jobId);
    });
  }

  /** Nodes the job holds in running allocations, in the order they should be given back. */
  async heldNodes(jobId: string): Promise<HeldNode[]> {
    const slurm = new Map((await this.p.slurm.list()).map((s) => [s.slurmJobId, s]));
    const agents = this.p.store.agents
      .list(jobId)
      .filter((a) => a.state === 'active' || a.state === 'draining');
    const leased = this.p.store.tasks.list(jobId, { state: 'leased' }).tasks;
    const shape = this.p.shapeOf(this.p.requireJob(jobId));
    const held: HeldNode[] = [];
    for (const a of this.p.store.allocations.list(jobId).filter((x) => x.state === 'running')) {
      const batchHost = slurm.get(a.slurmJobId)?.batchHost ?? a.nodes[0];
      for (const node of a.nodes) {
        const here = agents.filter((g) => g.node === node && g.slurmJobId === a.slurmJobId);
        held.push({
          node,
          allocation: a,
          batchHost: node === batchHost,
          carriesJob: carriesJob(shape, a),
          busy: leased.some((t) => here.some((g) => g.id === t.agentId)),
          agents: here,
        });
      }
    }
    // Idle nodes first, then those of allocations that do not carry the job, newest first.
    return held.sort(
      (x, y) =>
        Number(x.busy) - Number(y.busy) ||
        Number(x.carriesJob) - Number(y.carriesJob) ||
        y.allocation.createdAt - x.allocation.createdAt ||
        y.allocation.slurmJobId - x.allocation.slurmJobId,
    );
  }

  async scale(jobId: string, req: ScaleRequest, actor: Actor = 'user'): Promise<void> {
    return this.serialize(jobId, () => this.scaleNow(jobId, req, actor));
  }

  private async scaleNow(jobId: string, req: ScaleRequest, actor: Actor): Promise<void> {
    const job = this.p.requireJob(jobId);
    if (job.state !== 'running')
      throw new UsageError(`job ${jobId} is ${job.state}; there is nothing to scale`);
    if (req.auto !== undefined) {
      const auto = req.auto === false ? null : req.auto;
      if (auto && (auto.min < 1 || auto.max < auto.min))
        throw new UsageError('auto: need 1 <= min <= max');
      this.p.store.jobs.update(jobId, { auto });
      this.p.record(
        jobId,
        'scale:auto',
        actor,
        auto
          ? `autoscaling on: ${auto.min}-${auto.max} node(s)${auto.targetFinishSeconds ? `, finish within ${auto.targetFinishSeconds} s` : ''}`
          : 'autoscaling off',
      );
      if (
        req.nodes === undefined &&
        req.add === undefined &&
        req.remove === undefined &&
        !req.nodeList?.length
      )
        return;
    }
    // Its nodes are the suspension's to give back and ask for again (suspension.ts).
    if (job.suspendedAt != null)
      throw new UsageError(`job ${jobId} is suspended: \`cluster-tool resume ${jobId}\` first`);
    const partition = (await this.p.slurm.partitionNodes()).length;
    const held = await this.heldNodes(jobId);
    // Slurm was asked in between: the job may have ended meanwhile.
    const now = this.p.requireJob(jobId).state;
    if (now !== 'running')
      throw new UsageError(`job ${jobId} is ${now}; there is nothing to scale`);
    const foreign = (req.nodeList ?? []).filter((n) => !held.some((h) => h.node === n));
    if (foreign.length)
      throw new UsageError(
        `job ${jobId} does not hold node ${foreign.join(',')} (it holds ${held.map((x) => x.node).join(',') || 'none yet'})`,
      );
    const pending = this.p.store.allocations.list(jobId).filter((a) => a.state === 'pending');
    const current = held.length + pending.reduce((s, a) => s + a.requestedNodes, 0);
    let target =
      req.nodes ??
      (req.add !== undefined
        ? current + req.add
        : req.remove !== undefined
          ? current - req.remove
          : current);
    if (req.nodeList?.length) target = current - req.nodeList.length;
    for (const [k, v] of Object.entries({ nodes: req.nodes, add: req.add, remove: req.remove })) {
      if (v !== undefined && (!Number.isInteger(v) || v < 0))
        throw new UsageError(`${k} must be a whole number of at least 0`);
    }
    if (target > partition)
      throw new UsageError(
        `the partition has ${partition} node(s); job ${jobId} cannot have ${target}`,
      );
    if (target < 1)
      throw new UsageError(
        `job ${jobId} still has work: it cannot go to 0 nodes (cancel it instead)`,
      );
    if (target > current) {
      const add = target - current;
      this.p.store.jobs.update(jobId, { nodesWanted: target });
      await this.p.allocate(job, add, 'attached', actor, `grow ${current} → ${target} node(s)`);
      this.p.record(jobId, 'scale:grow', actor, `grow by ${add} node(s) to ${target}`, {
        from: current,
        to: target,
      });
      return;
    }
    if (target === current) return;
    await this.shrink(jobId, held, current - target, req, actor);
  }

  private async shrink(
    jobId: string,
    held: HeldNode[],
    count: number,
    req: ScaleRequest,
    actor: Actor,
  ): Promise<void> {
    const removable = (h: HeldNode) => !h.batchHost || !h.carriesJob;
    const perNode = this.p.shapeOf(this.p.requireJob(jobId)) === 'per-node';
    let chosen: HeldNode[];
    if (req.nodeList?.length) {
      chosen = req.nodeList.map((n) => {
        // scaleNow checked that the job holds every named node.
        const h = held.find((x) => x.node === n)!;
        if (!removable(h))
          throw new UsageError(
            `${n} runs the batch script of Slurm job ${h.allocation.slurmJobId}; it is released only with the whole job`,
          );
        return h;
      });
    } else if (perNode) {
      // Node jobs still waiting in Slurm hold nothing: they go first, then running nodes, each
      // with its own Slurm job (scancel; never a resize, so any number of times).
      const cancelled = await this.cancelPendingNow(jobId, count, actor);
      if (cancelled) {
        const job = this.p.requireJob(jobId);
        this.p.store.jobs.update(jobId, { nodesWanted: Math.max(1, job.nodesWanted - cancelled) });
      }
      count -= cancelled;
      if (count === 0) return;
      chosen = pickNodes(held, count);
      if (chosen.length < count)
        throw new UsageError(
          `job ${jobId} can give back ${chosen.length} node(s) now, not ${count}`,
        );
    } else {
      // Slurm 22.05 without accounting resizes a job once: every later `scontrol update` of it
      // is refused ("the DB index is being set"). Nodes of such an allocation go only with all
      // of it. 24.11 has no such limit.
      const resized = (await this.p.slurm.resizesOnce())
        ? this.p.store.allocations.resized(jobId)
        : new Set<number>();
      chosen = pickNodes(held, count, (h) => !resized.has(h.allocation.slurmJobId));
      // ...but a resized attached allocation can still go whole (scancel), when it fits.
      for (const id of resized) {
        const rest = held.filter((h) => h.allocation.slurmJobId === id && !chosen.includes(h));
        if (rest[0]?.allocation.role === 'attached' && chosen.length + rest.length <= count)
          chosen.push(...rest);
      }
      if (chosen.length < count)
        count -= await this.cancelPendingNow(jobId, count - chosen.length, actor);
      if (chosen.length < count) {
        const stuck = [...resized].filter((id) => held.some((h) => h.allocation.slurmJobId === id));
        throw new UsageError(
          `job ${jobId} can give back ${chosen.length} node(s) now, not ${count}: ` +
            (stuck.length
              ? `Slurm job ${stuck.join(', ')} was resized once already, and this Slurm (before 24.11, without accounting) refuses to resize a job twice; its nodes stay until it ends (or grow with --add and shrink the new allocation)`
              : 'the rest run batch scripts'),
        );
      }
    }
    await this.drainAndRelease(jobId, chosen, actor, { now: req.now === true, lower: true });
  }

  /**
   * Drains the agents on `chosen` (each finishes its task first, or hands it back `now`), gives
   * the nodes back to Slurm, and with `lower` lowers the nodes the job wants by as many.
   */
  private async drainAndRelease(
    jobId: string,
    chosen: HeldNode[],
    actor: Actor,
    o: { now: boolean; lower: boolean; why?: string },
  ): Promise<void> {
    const { now, why = '' } = o;
    const nodes = chosen.map((h) => h.node);
    const agents = chosen.flatMap((h) => h.agents);
    for (const a of agents) this.p.store.agents.update(a.id, { state: 'draining' });
    const because = why ? ` (${why})` : '';
    this.p.record(
      jobId,
      'scale:drain',
      actor,
      `draining ${agents.length} agent(s) on ${nodes.join(',')}${now ? ' (tasks handed back now)' : because}`,
      { nodes },
    );
    if (now) {
      for (const a of agents) this.p.store.tasks.requeueLeased({ agentId: a.id }, this.p.now());
    } else {
      await this.waitIdle(jobId, agents);
    }
    this.p.notify(jobId);
    await releaseNodes(this.p, jobId, chosen, actor);
    const job = this.p.requireJob(jobId);
    if (o.lower)
      this.p.store.jobs.update(jobId, { nodesWanted: Math.max(1, job.nodesWanted - nodes.length) });
    this.p.record(jobId, 'scale:shrink', actor, `released ${nodes.join(',')}${because}`, {
      nodes,
    });
  }

  /**
   * Gives back the nodes a job has nothing left to lease on (finished-nodes.ts decides which), at
   * once rather than when the job ends, so that Slurm starts the next job there: its node jobs
   * still waiting in Slurm are cancelled, and the idle nodes drained and released as by `scale
   * --remove`. The nodes the job wants stay as they were: a job that starts again (`retry` after
   * its end, `resume`, a job left with no node job) asks for its size, not for what its last task
   * needed. Called whenever a lease of the job finds nothing; a check already under way for the
   * job makes a second one return at once.
   */
  async releaseFinished(jobId: string): Promise<void> {
    if (this.finishing.has(jobId) || !this.finished(jobId)) return;
    this.finishing.add(jobId);
    const why = 'nothing left to lease there';
    await this.serialize(jobId, async () => {
      if (!this.finished(jobId)) return;
      await this.cancelPendingNow(jobId, Number.MAX_SAFE_INTEGER, 'coordinator', why);
      const held = await this.heldNodes(jobId);
      // Slurm was asked in between: a task may have failed and be waiting for a node again.
      if (!this.finished(jobId)) return;
      const chosen = finishedNodes(held);
      if (chosen.length)
        await this.drainAndRelease(jobId, chosen, 'coordinator', { now: false, lower: false, why });
    }).finally(() => this.finishing.delete(jobId));
  }

  /** Whether the job may give back its finished nodes now (finished-nodes.ts). */
  private finished(jobId: string): boolean {
    const job = this.p.requireJob(jobId);
    const count = (state: string) => this.p.store.tasks.list(jobId, { state, limit: 1 }).total;
    return mayReleaseFinished({
      job,
      shape: this.p.shapeOf(job),
      stages: this.p.store.stages.list(jobId),
      queued: count('queued'),
      leased: count('leased'),
    });
  }

  /**
   * Gives back every node of a per-node job, the way a shrink does (pending node jobs cancelled,
   * agents drained: each finishes its task, then its node job is cancelled), without lowering
   * the nodes the job wants: a suspended job grows back to them when it resumes.
   */
  releaseAll(jobId: string, actor: Actor, why: string): Promise<void> {
    return this.serialize(jobId, async () => {
      await this.cancelPendingNow(jobId, Number.MAX_SAFE_INTEGER, actor, why);
      const held = await this.heldNodes(jobId);
      if (held.length)
        await this.drainAndRelease(jobId, held, actor, { now: false, lower: false, why });
    });
  }

  /**
   * Asks Slurm for the nodes a running job wants and holds no more (neither running nor pending),
   * after any scale request of the job in progress. Returns how many were asked for.
   */
  growBack(jobId: string, actor: Actor, why: string): Promise<number> {
    return this.serialize(jobId, async () => {
      const job = this.p.requireJob(jobId);
      if (job.state !== 'running') return 0;
      // A node whose agents all drain is on its way back; one with none yet is still starting.
      const held = (await this.heldNodes(jobId)).filter(
        (h) => !h.agents.length || h.agents.some((a) => a.state === 'active'),
      ).length;
      const pending = this.p.store.allocations
        .list(jobId)
        .filter((a) => a.state === 'pending')
        .reduce((s, a) => s + a.requestedNodes, 0);
      const add = job.nodesWanted - held - pending;
      if (add < 1) return 0;
      await this.p.allocate(job, add, 'attached', actor, why);
      this.p.record(
        jobId,
        'scale:grow',
        actor,
        `grow by ${add} node(s) to ${job.nodesWanted} (${why})`,
        {
          from: held + pending,
          to: job.nodesWanted,
        },
      );
      return add;
    });
  }

  /**
   * Cancels up to `count` of the job's allocations still waiting in Slurm, attached ones only (the
   * primary carries the job), after any scale request of the job in progress. Returns how many.
   */
  cancelPending(jobId: string, count: number, actor: Actor, why = ''): Promise<number> {
    return this.serialize(jobId, () => this.cancelPendingNow(jobId, count, actor, why));
  }

  private async cancelPendingNow(
    jobId: string,
    count: number,
    actor: Actor,
    why = '',
  ): Promise<number> {
    // A per-node job's node jobs are alike, so any may go (the newest first: the last to start);
    // of one allocation, attached ones only (the primary carries the job).
    const shape = this.p.shapeOf(this.p.requireJob(jobId));
    const waiting = this.p.store.allocations
      .list(jobId)
      .filter((a) => a.state === 'pending' && !carriesJob(shape, a));
    if (shape === 'per-node') waiting.reverse();
    const pending = waiting.slice(0, Math.max(0, count));
    for (const a of pending) {
      await this.p.slurm.cancel([a.slurmJobId]);
      this.p.store.allocations.update(a.slurmJobId, { state: 'ended', endedAt: this.p.now() });
      this.p.record(
        jobId,
        'scale:shrink',
        actor,
        `cancelled pending Slurm job ${a.slurmJobId}${why ? ` (${why})` : ''}`,
        { slurmJobId: a.slurmJobId },
      );
    }
    return pending.length;
  }

  /** Waits until draining agents hold no task (they finish the current one first). */
  private async waitIdle(jobId: string, agents: AgentRow[]): Promise<void> {
    const ids = new Set(agents.map((a) => a.id));
    for (;;) {
      const busy = this.p.store.tasks
        .list(jobId, { state: 'leased' })
        .tasks.filter((t) => t.agentId && ids.has(t.agentId));
      if (!busy.length) return;
      if (this.p.requireJob(jobId).state !== 'running') return;
      await sleep(100);
    }
  }
}
