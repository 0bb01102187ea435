import type { z } from 'zod';
import type { ImageFormat } from '../../renderers/blender/formats.js';
import type { ScriptSpec } from '../../templates/spec.js';
import type { FileProbe } from '../../util/file-probe.js';
import type { EventRecord } from '../../api/events.js';
import type {
  JobKind,
  JobPanel,
  ProgressUnit,
  RequestOf,
  ResultRow,
  StillView,
  SubmitRequest,
} from '../../api/types.js';
import type { EnvironmentTemplateInput } from '../../openjd/job-plan.js';
import type { JobPatch } from '../store/tables/jobs.js';
import type { JobRow, NewTask, StageRow, TaskRow } from '../store/types.js';

/** Limits that come from the cluster, checked before anything is written. */
export interface PlanLimits {
  partitionNodes: number;
  maxGpusPerNode: number;
  /**
   * The GPUs of the partition's best-equipped node as Slurm's GRES lists them (0: no node has
   * one); absent when not asked of Slurm (a dry run told the partition's shape).
   */
  nodeGpus?: number;
}

/** Where a job's files go; the plan puts these paths into task payloads. */
export interface JobDirs {
  id: string;
  dir: string;
  outputDir: string;
}

/** What planning gets: the cluster's limits, the job's directories, and questions to ask of files. */
export interface PlanContext {
  limits: PlanLimits;
  dirs: JobDirs;
  files: FileProbe;
  /** Frames the resume scan found whole in the output (coordinator/planning.ts); skipped. */
  whole?: readonly number[];
  /** The coordinator's queue environments (OpenJD environment templates), outermost first. */
  queueEnvironments?: readonly EnvironmentTemplateInput[];
}

/** A validated job, ready to be written: its stages and tasks and the normalized request. */
export interface JobPlan {
  kind: JobKind;
  name: string;
  request: SubmitRequest;
  nodes: number;
  gpusPerNode: number;
  stages: Omit<StageRow, 'jobId'>[];
  tasks: NewTask[];
  /** One line for the history: what was submitted. */
  summary: string;
  /** Things the user should know before it runs (shown by --dry-run, recorded on submit). */
  warnings?: string[];
  /** Where the job's outputs go when not its own output directory (a Blender `--output`). */
  outputDir?: string;
  /** What the plan decided, recorded in the job's history after `job:submitted`. */
  events?: PlanEvent[];
}

/** One decision of a plan for the history: `render:skipped`, with its data for the viewer. */
export type PlanEvent = EventRecord<
  | 'render:overrides'
  | 'render:skipped'
  | 'render:not-whole'
  | 'render:partials-removed'
  | 'still:planned'
>;

/** A file a job writes when it ends (the core writes it whole, 0600). */
export interface OutputFile {
  path: string;
  text: string;
}

/** What a job leaves behind when it ends: files to write and a line of history for each. */
export interface JobEnd {
  files: OutputFile[];
  notes: string[];
}

/** A file a finished task must have left, whole, for its result to count. */
export type ExpectedOutput =
  { kind: 'image'; path: string; format: ImageFormat } | { kind: 'video'; path: string };

/**
 * `mainStage` of a job whose stages are its own (a pipeline's steps, named by the user): its
 * progress and results count the tasks of every stage.
 */
export const EVERY_STAGE = '*';

/** Per-node minimums an allocation asks Slurm for (0 or absent: none). */
export interface NodeResources {
  cpus?: number;
  memoryMiB?: number;
  tmpMiB?: number;
}

/** What an agent's runner may load before its first task: a task kind it runs, and what to load. */
export interface WarmUp {
  kind: string;
  payload: Record<string, unknown>;
}

/**
 * How a job's nodes are asked of Slurm: `per-node`, one single-node Slurm job per node (for kinds
 * whose agents take tasks independently: any node's job starts when that node is free, and grows
 * and shrinks by submitting and cancelling node jobs, any number of times), or `one`, one
 * multi-node allocation grown by attached ones (a service whose nodes work as one: IndeX).
 */
export type AllocationShape = 'per-node' | 'one';

/** A job that runs a program of its own on its allocations instead of our agents (IndeX). */
export interface ServiceBehaviour {
  /** The sbatch script of an allocation; `attachTo` is the primary's Slurm job id when growing. */
  script(job: JobRow, opts: { nodes: number; jobName: string; attachTo?: number }): ScriptSpec;
  /** The address users open once the service is up, read from its primary's output. */
  readyUrl(output: string): string | null;
}

/**
 * Everything the coordinator knows about one kind of job, and all the viewer and the CLI learn
 * of it (`progressUnit`, `panels`, `service`: they reach them through the job's view, never by
 * its kind's name). Adding a kind is one such object (in its own file, listed in registry.ts),
 * its request's schema (api/submit.ts) and the agent runner for its task kinds. Job types do no I/O: what they need to know of files
 * comes through `PlanContext.files`, what they write is returned (`JobEnd`).
 */
export interface JobType<K extends JobKind = JobKind> {
  kind: K;
  /** The stage whose progress the job shows, or EVERY_STAGE. */
  mainStage: string;
  progressUnit: ProgressUnit;
  /** The parts of its page not every kind has (`results` goes with `results`, `service` with
   * `service`); views carry them, with what scaling means, as the job's presentation. */
  panels: JobPanel[];
  /**
   * Checks the values of a request of its kind (its shape was checked on the way in, by
   * api/submit.ts) and splits it into stages and tasks; throws UsageError, writes nothing.
   */
  plan(req: RequestOf<K>, ctx: PlanContext): JobPlan;
  /** The payload each task kind's runner receives, checked at the boundary on both sides. */
  payloads: Record<string, z.ZodType>;
  /**
   * The files a task leaves when it is done, from its payload (not from what the agent says), so
   * that a result counts only when they are there and whole.
   */
  outputsOf?(task: TaskRow): ExpectedOutput[];
  /**
   * Tasks of a stage known only once the stages before it are done (a pipeline's fan-out over
   * what an earlier step wrote), made when the stage becomes ready. Throws UsageError to fail the
   * job with that reason. `files` answers questions about what earlier stages wrote.
   */
  onStageReady?(job: JobRow, stage: StageRow, files: FileProbe): NewTask[];
  /**
   * What a new agent's runner may load while it asks for its first task (Blender: the scene),
   * from a task of the main stage; undefined when nothing is worth loading early.
   */
  warmUp?(task: Pick<TaskRow, 'kind' | 'payload'>): WarmUp | undefined;
  /**
   * The seconds a finished task's work cost, which a stage leased costliest first estimates its
   * neighbours by (Blender: its frames' render time, without the agent's one-time start);
   * default the time from its lease to its report.
   */
  costOf?(task: TaskRow, result: Record<string, unknown>): number | undefined;
  /** What a finished task changes on its job (the encode's video). */
  onTaskDone?(task: TaskRow, result: Record<string, unknown>): JobPatch | undefined;
  /**
   * The never-leased tasks of its stage a finished task sizes again, and what replaces them
   * (OpenJD TASK_CHUNKING's targetRuntimeSeconds); undefined leaves the queue as it is.
   * `stageTasks` reads the stage's tasks as they are now.
   */
  resizeQueued?(
    done: TaskRow,
    stageTasks: () => TaskRow[],
  ): { remove: number[]; add: NewTask[] } | undefined;
  /**
   * How long the job's agents may take to leave once it has ended on its own (an OpenJD
   * environment's onExit runs then); its allocations are released when they have all ended,
   * or this long after. Without it, about a second after.
   */
  closingMs?(job: JobRow): number;
  /** Called once the job has ended; never throws (a job's end must be recorded). */
  onJobEnded?(job: JobRow, tasks: TaskRow[]): JobEnd;
  /** A results table, one row per task, for jobs whose tasks carry metrics. */
  results?(tasks: TaskRow[]): ResultRow[];
  /** What the `still` panel draws: the tile grid, each tile's task, the merged image's file. */
  still?(job: JobRow, tasks: TaskRow[]): StillView | undefined;
  /**
   * What a person calls a task of this kind (`tile 2,1`, `Process[Tile=3]`), where frames do not
   * name it; undefined leaves it to view/task-name.ts, which asks this first.
   */
  taskName?(task: Pick<TaskRow, 'kind' | 'payload'>): string | undefined;
  /** What each node of the job's allocations must have (`sbatch --mincpus/--mem/--tmp`). */
  nodeResources?(job: JobRow): NodeResources;
  /** How its nodes are asked of Slurm (see AllocationShape; allocations/node-jobs.ts). */
  allocation: AllocationShape;
  /** Set for service jobs; they have no tasks and end when their primary allocation ends. */
  service?: ServiceBehaviour;
}
