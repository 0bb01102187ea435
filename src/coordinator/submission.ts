import { randomBytes } from 'node:crypto';
import type { FileProbe } from '../util/file-probe.js';
import { warmUpOf } from './desk/warm-ups.js';
import { notifyListProblem } from '../api/notify.js';
import { DEFAULT_PRIORITY, priorityProblem } from '../api/priority.js';
import type { SubmitRequest } from '../api/types.js';
import { UsageError } from '../errors.js';
import type { Actor, RecordFn } from './history.js';
import type { JobFiles } from './io/job-files.js';
import type { JobDirs, JobPlan, PlanLimits } from './jobs/job-type.js';
import type { EnvironmentTemplateInput } from '../openjd/job-plan.js';
import {
  jobDirs,
  otherOutputs,
  planRequest,
  previewOf,
  previewPlan,
  resumeScan,
  submitted,
  type FrameScanner,
  type PlanInput,
} from './planning.js';
import type { AllocationPort } from './ports.js';
import { slurmJobsFor } from './allocations/node-jobs.js';
import { jobTypeOf } from './jobs/registry.js';
import type { JobsTable } from './store/tables/jobs.js';
import type { NoticesTable } from './store/tables/notices.js';
import type { JobRow, NewTask, StageRow } from './store/types.js';

/** What planning and writing a new job needs. */
export interface SubmissionPorts {
  store: {
    jobs: Pick<JobsTable, 'nextSeq' | 'update' | 'list'>;
    notices: Pick<NoticesTable, 'subscribe'>;
    insertJob(job: JobRow, stages: Omit<StageRow, 'jobId'>[], tasks: NewTask[]): void;
    transaction<T>(fn: () => T): T;
  };
  slurm: Pick<AllocationPort, 'partitionNodes' | 'plan'>;
  files: JobFiles;
  probe: FileProbe;
  /** The resume scan's reader of frame files (renderers/blender/resume.ts `wholeFrames`). */
  scanFrames: FrameScanner;
  record: RecordFn;
  allocate: (job: JobRow, nodes: number, role: 'primary', actor: Actor) => Promise<number>;
  finish: (jobId: string, state: 'failed', error: string) => void;
  notifyChanged: (jobId: string) => void;
  stateDir: string;
  /** URLs every job's end is told to (the coordinator's `--notify`), besides the job's own. */
  notifyUrls: readonly string[];
  /** The queue environments every OpenJD job runs in (coordinator/queue-environments.ts). */
  queueEnvironments?: () => EnvironmentTemplateInput[];
  now: () => number;
}

/**
 * The priority a request asks for (every kind shares it, so it is read here rather than by each
 * kind's plan), or a UsageError.
 */
function priorityOf(req: SubmitRequest): number {
  if (req.priority === undefined) return DEFAULT_PRIORITY;
  const problem = priorityProblem(req.priority);
  if (problem) throw new UsageError(problem);
  return req.priority;
}

/** The URLs a request's end is to be told to (`notify`), or a UsageError naming the bad one. */
function notifyOf(req: SubmitRequest): string[] {
  const urls = req.notify ?? [];
  const problem = notifyListProblem(urls);
  if (problem) throw new UsageError(`notify: ${problem}`);
  return urls;
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
      nodeGpus: Math.max(0, ...partition.map((n) => n.gpus)),
    };
  }

  /** What planning job number `seq` reads: the other jobs' outputs come from the store. */
  private input(limits: PlanLimits, seq: number): PlanInput {
    return {
      limits,
      dirs: jobDirs(this.p.stateDir, `j${seq}`),
      files: this.p.probe,
      others: otherOutputs(this.p.store.jobs.list(), this.p.probe),
      ...(this.p.queueEnvironments ? { queueEnvironments: this.p.queueEnvironments() } : {}),
    };
  }

  /** The row of the job a plan makes as number `seq`. */
  private row(
    plan: JobPlan,
    dirs: JobDirs,
    seq: number,
    priority: number,
    owner: string | null,
  ): JobRow {
    return {
      id: dirs.id,
      seq,
      kind: plan.kind,
      name: plan.name,
      state: 'queued',
      spec: plan.request,
      dir: dirs.dir,
      outputDir: plan.outputDir ?? dirs.outputDir,
      agentToken: randomBytes(24).toString('hex'),
      nodesWanted: plan.nodes,
      gpusPerNode: plan.gpusPerNode,
      auto: plan.request.auto ?? null,
      priority,
      owner,
      video: null,
      error: null,
      createdAt: this.p.now(),
      finishedAt: null,
    };
  }

  /**
   * What a submission would do, without doing it (no row, no file, no partial file removed):
   * the plan `planning.ts` makes, and the allocation's sbatch script.
   */
  async preview(body: unknown) {
    const req = submitted(body);
    const seq = this.p.store.jobs.nextSeq();
    const input = this.input(await this.limits(), seq);
    const plan = await previewPlan(req, input, this.p.scanFrames);
    const job = this.row(plan, input.dirs, seq, priorityOf(req), null);
    notifyOf(req);
    const warmUp = warmUpOf(job.kind, (stage) => plan.tasks.find((t) => t.stage === stage));
    // The first of the Slurm jobs the start submits, and how many there are (one per node, or one).
    const slurmJobs = slurmJobsFor(jobTypeOf(job.kind).allocation, job.nodesWanted, 'primary');
    return {
      ...previewOf(plan, job),
      sbatch: {
        ...this.p.slurm.plan(job, {
          nodes: slurmJobs[0]?.nodes ?? job.nodesWanted,
          role: 'primary',
          ...(warmUp ? { warmUp } : {}),
        }),
        count: slurmJobs.length,
      },
    };
  }

  /**
   * Validates, writes the job and its tasks, and submits its first allocation; `owner` is who
   * submitted it (null: the operator, as for jobs from before owners were kept).
   */
  async submit(body: unknown, actor: Actor = 'user', owner: string | null = null): Promise<JobRow> {
    const req = submitted(body);
    const priority = priorityOf(req);
    const notify = [...new Set([...notifyOf(req), ...this.p.notifyUrls])];
    const limits = await this.limits();
    // The resume scan reads the user's files, so it is awaited first; the number it plans
    // with is only a guess, and matters not: it reads the output, not the job's directory.
    const guess = this.input(limits, this.p.store.jobs.nextSeq());
    const resume = await resumeScan(req, guess, this.p.scanFrames, true);
    // The number, the output check against the other jobs, the rows and the job's files are made
    // in one transaction with nothing awaited in between, so parallel submissions each get their
    // own number, files and output, and one that fails leaves nothing: files last, since a
    // failure there rolls the rows back.
    const { job, plan } = this.p.store.transaction(() => {
      const seq = this.p.store.jobs.nextSeq();
      const input = this.input(limits, seq);
      const planned = planRequest(req, input, resume);
      const row = this.row(planned, input.dirs, seq, priority, owner);
      this.p.store.insertJob(row, planned.stages, planned.tasks);
      this.p.store.notices.subscribe(row.id, notify);
      this.p.files.create(row);
      return { job: row, plan: planned };
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
