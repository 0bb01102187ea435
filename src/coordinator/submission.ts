import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FileProbe } from '../util/file-probe.js';
import { warmUpOf } from './desk/warm-ups.js';
import type { SubmitRequest } from '../api/types.js';
import type { Actor, RecordFn } from './history.js';
import type { JobFiles } from './io/job-files.js';
import type { JobPlan, PlanLimits } from './jobs/job-type.js';
import { jobTypeOf, planJob } from './jobs/registry.js';
import type { AllocationPort } from './ports.js';
import type { JobsTable } from './store/tables/jobs.js';
import type { JobRow, NewTask, StageRow } from './store/types.js';

/** What planning and writing a new job needs. */
export interface SubmissionPorts {
  store: {
    jobs: Pick<JobsTable, 'nextSeq' | 'update'>;
    insertJob(job: JobRow, stages: Omit<StageRow, 'jobId'>[], tasks: NewTask[]): void;
    transaction<T>(fn: () => T): T;
  };
  slurm: Pick<AllocationPort, 'partitionNodes' | 'plan'>;
  files: JobFiles;
  probe: FileProbe;
  record: RecordFn;
  allocate: (job: JobRow, nodes: number, role: 'primary', actor: Actor) => Promise<number>;
  finish: (jobId: string, state: 'failed', error: string) => void;
  notifyChanged: (jobId: string) => void;
  stateDir: string;
  now: () => number;
}

/**
 * Every planned task carries the payload its kind's runner expects: the planner and the runner
 * meet at the job type's schemas, checked here on the way in and by the runner on the way out.
 */
function checkPayloads(plan: JobPlan): void {
  const schemas = jobTypeOf(plan.kind).payloads;
  for (const t of plan.tasks) {
    const schema = schemas[t.kind];
    if (!schema)
      throw new Error(
        `job type ${plan.kind} plans ${t.kind} tasks but declares no payload for them`,
      );
    const r = schema.safeParse(t.payload);
    if (!r.success)
      throw new Error(
        `job type ${plan.kind} planned a ${t.kind} payload its runner would refuse: ${r.error.message}`,
      );
  }
}

/** Plans a request against the cluster's shape; submits it, or only shows what it would do. */
export class Submission {
  constructor(private readonly p: SubmissionPorts) {}

  /** What planning needs to know of the cluster (asked of Slurm, so it awaits). */
  private async limits(): Promise<PlanLimits> {
    const partition = await this.p.slurm.partitionNodes();
    return {
      partitionNodes: partition.length,
      maxGpusPerNode: Math.max(1, ...partition.map((n) => n.gpus)),
    };
  }

  /** The job a request makes as number `seq`: synchronous, so it fits inside the insert. */
  private plan(req: SubmitRequest, limits: PlanLimits, seq: number) {
    const id = `j${seq}`;
    const dir = path.join(this.p.stateDir, 'jobs', id);
    const dirs = { id, dir, outputDir: path.join(dir, 'output') };
    const plan = planJob(req, { limits, dirs, files: this.p.probe });
    checkPayloads(plan);
    const job: JobRow = {
      id,
      seq,
      kind: plan.kind,
      name: plan.name,
      state: 'queued',
      spec: plan.request,
      dir,
      outputDir: plan.outputDir ?? dirs.outputDir,
      agentToken: randomBytes(24).toString('hex'),
      nodesWanted: plan.nodes,
      gpusPerNode: plan.gpusPerNode,
      auto: plan.request.auto ?? null,
      video: null,
      error: null,
      createdAt: this.p.now(),
      finishedAt: null,
    };
    return { job, plan };
  }

  /** What a submission would do, without doing it: the tasks and the allocation's sbatch script. */
  async preview(req: SubmitRequest) {
    const { job, plan } = this.plan(req, await this.limits(), this.p.store.jobs.nextSeq());
    const warmUp = warmUpOf(job.kind, (stage) => plan.tasks.find((t) => t.stage === stage));
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
      events: plan.events ?? [],
      spec: plan.request,
      sbatch: this.p.slurm.plan(job, {
        nodes: job.nodesWanted,
        role: 'primary',
        ...(warmUp ? { warmUp } : {}),
      }),
    };
  }

  /** Validates, writes the job and its tasks, and submits its first allocation. */
  async submit(req: SubmitRequest, actor: Actor = 'user'): Promise<JobRow> {
    const limits = await this.limits();
    // The number, the rows and the job's files are made in one transaction with nothing awaited
    // in between, so parallel submissions each get their own number and files, and one that
    // fails leaves nothing: files last, since a failure there rolls the rows back.
    const { job, plan } = this.p.store.transaction(() => {
      const made = this.plan(req, limits, this.p.store.jobs.nextSeq());
      this.p.store.insertJob(made.job, made.plan.stages, made.plan.tasks);
      this.p.files.create(made.job);
      return made;
    });
    this.p.record(job.id, 'job:submitted', actor, plan.summary, { tasks: plan.tasks.length });
    for (const e of plan.events ?? []) this.p.record(job.id, e.type, actor, e.message, e.data);
    for (const w of plan.warnings ?? []) this.p.record(job.id, 'job:warning', 'coordinator', w);
    try {
      await this.p.allocate(job, job.nodesWanted, 'primary', actor);
    } catch (err) {
      this.p.finish(
        job.id,
        'failed',
        `could not submit the Slurm allocation: ${(err as Error).message}`,
      );
      throw err;
    }
    this.p.store.jobs.update(job.id, { state: 'running' });
    this.p.notifyChanged(job.id);
    return { ...job, state: 'running' };
  }
}
