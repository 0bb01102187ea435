import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isJobActive, type SlurmClient, type SlurmNode } from '../../slurm/client.js';
import { resizesJobOnce } from '../../slurm/version.js';
import { renderTemplate } from '../../templates/render.js';
import { jobTypeOf } from '../jobs/registry.js';
import { niceOf } from './nice.js';
import type { AllocationPort, AllocationRequest, SlurmAllocationState } from '../ports.js';
import type { ServiceBehaviour } from '../jobs/job-type.js';
import type { AllocationRow, JobRow } from '../store/types.js';

export interface SlurmAllocatorOptions {
  client: SlurmClient;
  /** Identifies this coordinator's Slurm jobs (in their names), so it adopts only its own. */
  instance: string;
  coordinatorUrl: string;
  /** argv that starts one agent; defaults to this Node and this package's dist/agent/main.js. */
  agentCommand: string[];
  partition?: string;
}

const NAME = /^ct-([a-z0-9]+)-(j\d+)-(primary|attached)$/;
/** How long one `sinfo` answers `partitionNodes`. */
const NODES_FRESH_MS = 1_000;

/** Allocations as Slurm jobs: sbatch with a generated script, squeue to follow, scontrol/scancel to shrink. */
export class SlurmAllocator implements AllocationPort {
  private nodesAsked: { at: number; nodes: Promise<SlurmNode[]> } | undefined;
  private once: Promise<boolean> | undefined;

  constructor(private readonly o: SlurmAllocatorOptions) {}

  jobName(jobId: string, role: AllocationRow['role']): string {
    return `ct-${this.o.instance}-${jobId}-${role}`;
  }

  /** The sbatch script and options for an allocation: a plan that `--dry-run` can print. */
  plan(job: JobRow, opts: AllocationRequest): { script: string; args: string[] } {
    const type = jobTypeOf(job.kind);
    const service = type.service;
    const need = type.nodeResources?.(job) ?? {};
    const script = service
      ? this.serviceScript(job, opts, service)
      : renderTemplate('slurm/templates/allocation.sbatch.hbs', {
          role: opts.role,
          jobId: job.id,
          coordinatorUrl: this.o.coordinatorUrl,
          tokenFile: path.join(job.dir, 'agent.token'),
          logDir: path.join(job.dir, 'logs'),
          gpusPerNode: job.gpusPerNode,
          agentCommand: this.o.agentCommand,
          warmUp: opts.warmUp ? JSON.stringify(opts.warmUp) : '',
        });
    const args = [
      `--nodes=${opts.nodes}`,
      '--exclusive',
      `--gres=gpu:${job.gpusPerNode}`,
      ...(need.cpus ? [`--mincpus=${need.cpus}`] : []),
      ...(need.memoryMiB ? [`--mem=${need.memoryMiB}M`] : []),
      ...(need.tmpMiB ? [`--tmp=${need.tmpMiB}M`] : []),
      `--time=${job.spec.timeLimitMinutes ?? 60}`,
      // Orders Slurm's start of this coordinator's jobs by their priority (see nice.ts).
      `--nice=${niceOf(job.priority)}`,
      `--job-name=${this.jobName(job.id, opts.role)}`,
      `--comment=cluster-tool job=${job.id}`,
      `--output=${path.join(job.dir, 'logs', 'slurm-%j.out')}`,
      `--chdir=${job.dir}`,
      // A node failure must not requeue the allocation (its agents would vanish and the job wait
      // for every node again) nor end it: the job goes on with the nodes left, and the
      // coordinator hands the lost node's tasks to them. A service needs all its nodes.
      '--no-requeue',
      ...(service ? [] : ['--no-kill']),
      ...(this.o.partition ? [`--partition=${this.o.partition}`] : []),
      ...(opts.nodeList?.length ? [`--nodelist=${opts.nodeList.join(',')}`] : []),
    ];
    return { script, args };
  }

  /**
   * A service job runs its own program, not our agents (IndeX: the primary starts the session,
   * an attached allocation joins it with `-a<primary job id>`).
   */
  private serviceScript(job: JobRow, opts: AllocationRequest, service: ServiceBehaviour): string {
    if (opts.role === 'attached' && opts.attachTo === undefined)
      throw new Error(
        `an attached allocation of service job ${job.id} needs the primary's Slurm job id`,
      );
    const spec = service.script(job, {
      nodes: opts.nodes,
      jobName: this.jobName(job.id, opts.role),
      ...(opts.role === 'attached' ? { attachTo: opts.attachTo } : {}),
    });
    return renderTemplate(spec.template, spec.values);
  }

  async submit(job: JobRow, opts: AllocationRequest): Promise<number> {
    const { script, args } = this.plan(job, opts);
    const scriptPath = path.join(job.dir, `allocation-${opts.role}-${Date.now()}.sbatch`);
    writeFileSync(scriptPath, script, { mode: 0o700 });
    return this.o.client.sbatch({ scriptPath, args, cwd: job.dir });
  }

  async list(): Promise<SlurmAllocationState[]> {
    const out: SlurmAllocationState[] = [];
    // Only this user's jobs: on a shared cluster the whole queue is most of what squeue prints.
    for (const j of await this.o.client.squeue({ me: true })) {
      const m = NAME.exec(j.name);
      if (!m || m[1] !== this.o.instance) continue;
      out.push({
        slurmJobId: j.jobId,
        jobId: m[2] ?? '',
        role: m[3] as AllocationRow['role'],
        active: isJobActive(j),
        state: j.state,
        nodes: j.state === 'RUNNING' ? j.nodes : [],
        batchHost: j.batchHost,
        reason: j.reason,
      });
    }
    return out;
  }

  async cancel(slurmJobIds: number[]): Promise<void> {
    await this.o.client.scancel(slurmJobIds);
  }

  async renice(slurmJobId: number, priority: number): Promise<void> {
    await this.o.client.updateJob(slurmJobId, { nice: niceOf(priority) });
  }

  async shrink(slurmJobId: number, keep: string[]): Promise<void> {
    await this.o.client.updateJob(slurmJobId, { nodeList: keep.join(',') });
  }

  /** From Slurm's release, asked once; while it cannot be asked, as if it refused. */
  resizesOnce(): Promise<boolean> {
    this.once ??= this.o.client.version().then(resizesJobOnce);
    return this.once.catch(() => {
      this.once = undefined;
      return true;
    });
  }

  /**
   * The partition's nodes. Answers asked for within a second of each other share one `sinfo`
   * (every viewer's cluster view asks every few seconds; 1,024 nodes are a few megabytes).
   */
  partitionNodes(): Promise<SlurmNode[]> {
    const now = Date.now();
    if (this.nodesAsked && now - this.nodesAsked.at < NODES_FRESH_MS) return this.nodesAsked.nodes;
    const nodes = this.o.client
      .nodes(this.o.partition)
      .then((all) =>
        all.filter((n) => !this.o.partition || n.partitions.includes(this.o.partition)),
      );
    this.nodesAsked = { at: now, nodes };
    // A failed answer is not kept.
    nodes.catch(() => {
      if (this.nodesAsked?.nodes === nodes) this.nodesAsked = undefined;
    });
    return nodes;
  }
}
