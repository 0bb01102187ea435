/**
 * The coordinator's HTTP API, as JSON types shared by the server, the CLI, the agents and the
 * viewer (one file, over 8 KB: the API read in one place, each view beside the route that gives it). Every /api route needs `Authorization: Bearer <token>`: the user token (CLI, viewer) or,
 * for /api/agent/*, the job's agent token (see http/auth.ts). Times are Unix milliseconds.
 *
 * User routes:
 *   GET  /api/jobs                      -> JobSummary[]
 *   POST /api/jobs            SubmitRequest -> JobDetail        (400 with {error} on bad input)
 *   GET  /api/jobs/:id                  -> JobDetail
 *   GET  /api/jobs/:id/tasks?stage=&state=&offset=&limit= -> { total, tasks: TaskView[] }
 *   POST /api/jobs/:id/cancel           -> JobDetail
 *   POST /api/jobs/:id/retry  { frames?: string }      -> JobDetail
 *   POST /api/jobs/:id/scale  ScaleRequest              -> JobDetail   (issue 5)
 *   POST /api/jobs/:id/priority { priority: 1..100 }    -> JobDetail   (a queued or running job)
 *   POST /api/jobs/:id/suspend          -> JobDetail   (no new tasks; its nodes go back after a grace)
 *   POST /api/jobs/:id/resume           -> JobDetail   (its tasks are leased again, its nodes asked for)
 *   POST /api/jobs/:id/blocked/clear    -> JobDetail   (its blocklisted agents forgotten; see api/farm.ts)
 *   GET  /api/farm                      -> FarmView (api/farm.ts): nodes with agents, the queue, blocklists
 *   GET  /api/jobs/:id/logs?agent=ID&tail=200 -> { agent?, files, lines, released? } (released: beside each Slurm output line, the node release that printed it, or null)
 *   GET  /api/jobs/:id/files/<path>     -> the file: `output/…` from the job's output root (frames,
 *                                          video), anything else from the job directory (thumbs)
 *   GET  /api/cluster                   -> ClusterView
 *   GET  /api/events                    -> text/event-stream of CoordinatorEvent (one `data:` JSON each)
 *
 * Task routes (http/task-routes.ts), a task named by `id=`, `frame=` or `name=`:
 *   GET  /api/jobs/:id/stream           -> text/event-stream for one job: a `job:snapshot` first, then
 *                                          its events in order, leases included (the page's only feed)
 *   GET  /api/jobs/:id/task?id=|frame=|name=          -> TaskDetail
 *   GET  /api/jobs/:id/task/log?id=|frame=|name=&tail=[&attempt=] -> TaskLog
 *   POST /api/jobs/:id/task/requeue  { id }           -> TaskView  (any finished task, done ones too)
 *   POST /api/jobs/:id/task/cancel   { id }           -> TaskView  (a queued or running task)
 */

import type { EventLevel, EventRecord } from './events.js';
import type { AutoScaleSpec, JobKind, SubmitRequest } from './submit.js';

// The submit requests are declared as schemas (submit.ts, requests/); their types come from there.
export type {
  AutoScaleSpec,
  BlenderFrameOrder,
  BlenderOutputFields,
  BlenderPlanned,
  BlenderStillPlanned,
  BlenderStillSubmitRequest,
  BlenderSubmitRequest,
  CommonSubmitFields,
  JobKind,
  RequestOf,
  SubmitRequest,
} from './submit.js';
export { BLENDER_FRAME_ORDERS } from './submit.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type TaskState = 'queued' | 'leased' | 'done' | 'failed' | 'cancelled';
/** What a job's progress counts: frames (a chunk of 4 counts 4), tasks, dataset views, or none. */
export type ProgressUnit = 'frames' | 'tasks' | 'views' | 'session';

/**
 * A part of a job's view that only some kinds have (every job page has its stats, history and
 * logs): `frames` the frame wall, the latest frame and render time by frame; `video` the encoded
 * MP4; `tasks` the task table, failed tasks and per-GPU timeline; `results` the results table;
 * `service` the address of the job's own program (an IndeX session's viewer); `still` a tiled
 * still's tile grid filling in, then its merged image (`JobDetail.still`).
 */
export type JobPanel = 'frames' | 'video' | 'tasks' | 'results' | 'service' | 'still';

/** How the viewer and the CLI show a job and what scaling it means, as its job type declares. */
export interface JobPresentation {
  /** The parts its page shows (`status JOB` prints a service's address too); laid out around
   * the frame wall when `frames` is one of them. */
  panels: JobPanel[];
  /**
   * What a node added to the job does: `agents`, its GPUs join as agents that lease the job's
   * tasks (autoscaling may size it); `service`, it joins the job's own program, where no agents
   * register (the page offers no autoscaling).
   */
  scaling: 'agents' | 'service';
}

export interface ScaleRequest {
  nodes?: number;
  add?: number;
  remove?: number;
  nodeList?: string[];
  /** Hand leased tasks back at once instead of letting them finish. */
  now?: boolean;
  auto?: AutoScaleSpec | false;
}

export interface Progress {
  total: number;
  done: number;
  failed: number;
  leased: number;
  queued: number;
}

/** A job's progress in its unit; `failed` leaves out what was cancelled. */
export interface JobProgress extends Progress {
  cancelled: number;
  /**
   * Units of the running tasks already done, by their agents' last word (fractional, part of
   * `leased`); 0 or absent when no agent has said.
   */
  inFlight?: number;
}

/**
 * Why a job that Slurm has not started yet waits, in words (`waiting for nodes: 4 GPU nodes busy
 * with j1`), with Slurm's own reason and the jobs of this coordinator holding the nodes.
 */
export interface JobWaiting {
  reason: string;
  /** Slurm's `Reason` of the job's allocation (`Resources`, `Priority`, ...). */
  slurmReason: string;
  /** This coordinator's jobs whose allocations hold nodes now. */
  heldBy: string[];
}

export interface JobSummary {
  id: string;
  name: string;
  kind: JobKind;
  /** The job's own state; a running job Slurm has not started yet also has `waiting`. */
  state: JobState;
  /**
   * Set while every allocation of a queued or running job waits in Slurm's queue and no agent
   * works for it: the job is shown as `waiting`, with this reason (view/waiting.ts).
   */
  waiting: JobWaiting | null;
  /**
   * Set while the job is suspended (`cluster-tool suspend`): shown as `suspended`; no task of it
   * starts, and its nodes go back after the coordinator's grace.
   */
  suspendedAt: number | null;
  /** Time its earlier suspensions took (ms): left out of its elapsed time. */
  suspendedMs: number;
  /** 1..100: which of this coordinator's jobs Slurm starts first (higher first). */
  priority: number;
  /** The Unix user (or, for `--cluster`, the AWS identity) that submitted it; null: the operator. */
  owner: string | null;
  createdAt: number;
  /** When its first agent registered (its work began); null until then. */
  startedAt: number | null;
  finishedAt: number | null;
  /** Progress of the main stage, counted in `unit`. */
  progress: JobProgress;
  /** What `progress` counts (the job type's progress unit). */
  unit: ProgressUnit;
  /** How the viewer and the CLI show it, from its job type. */
  presentation: JobPresentation;
  /** Units per minute over the last few minutes of work; frozen once no work is left. */
  ratePerMinute: number;
  /** Seconds to finish at that rate as of `asOf`, null when unknown or over. */
  etaSeconds: number | null;
  /** When rate and ETA were computed (ms): the ETA counts down from here between updates. */
  asOf: number;
  /**
   * Seconds since `startedAt` (0 while waiting) less the time it was suspended, frozen at the end
   * (then the job's run time).
   */
  elapsedSeconds: number;
  nodes: string[];
  gpus: number;
  stage: string;
  error: string | null;
}

/**
 * How far a running task is, as its agent last said (Blender's samples or tiles): `fraction` of
 * the whole task; for the frame rendering now, its number, how far it is and when it began.
 */
export interface TaskLiveProgress {
  fraction: number;
  /** Blender's words: `Sample 12/128`, `Rendered 3/16 Tiles, Sample 7/16`, `Compositing`. */
  activity: string | null;
  frame: number | null;
  frameFraction: number | null;
  frameStartedAt: number | null;
  /** When the coordinator heard it (ms). */
  at: number;
}

export interface TaskView {
  id: number;
  /** What a person calls it: `frame 12`, `frames 12-15`, a command's id, a train_dir, `encode`. */
  name: string;
  stage: string;
  state: TaskState;
  /** Frame numbers of a render task; empty for others. */
  frames: number[];
  /** Failed attempts counted toward the retry limit since it was last queued (a requeue: 0). */
  attempts: number;
  /** Every attempt recorded (its `attempts` history), the running one too, requeues and all. */
  tries: number;
  agentId: string | null;
  node: string | null;
  gpu: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Seconds each frame took to render, by frame number (as strings). */
  frameSeconds: Record<string, number>;
  /** Files produced, relative to the job directory. */
  files: string[];
  error: string | null;
  /** Last lines of the renderer's output when it failed. */
  errorTail: string[];
  /** While it runs, how far it is (its agent's last lease renewal); absent otherwise. */
  progress?: TaskLiveProgress;
  /**
   * Every attempt, oldest first, on a job's stream and only for a task that ran more than once
   * (a single run is the task's own `node`, `startedAt`, `finishedAt`): the per-GPU timeline
   * draws each, the failed ones apart.
   */
  runs?: AttemptSpan[];
}

/** Where and when one attempt at a task ran, and how it ended (null while it runs). */
export type AttemptSpan = Omit<AttemptView, 'error'>;

/** A tiled still as its page draws it: the image's size, each tile's place and task, its file. */
export interface StillView {
  frame: number;
  width: number;
  height: number;
  /** The merged image as the files route serves it (`output/frame_0002.png`). */
  file: string;
  /** The task that merges the tiles: the image is there once it is done. */
  mergeTaskId: number | null;
  /**
   * Each tile's pixels in the merged image (x right, y down from the top-left), its task, and its
   * PNG preview as the files route serves it (there once the tile is done; the tile itself is EXR).
   */
  tiles: {
    index: number;
    taskId: number;
    x: number;
    y: number;
    width: number;
    height: number;
    preview: string;
  }[];
}

export interface AllocationView {
  slurmJobId: number;
  role: 'primary' | 'attached';
  state: 'pending' | 'running' | 'ended';
  nodes: string[];
  requestedNodes: number;
  reason: string;
  createdAt: number;
  endedAt: number | null;
}

export interface AgentView {
  id: string;
  node: string;
  gpu: string;
  slurmJobId: number;
  state: 'active' | 'draining' | 'gone' | 'blocked';
  failures: number;
  currentTaskId: number | null;
  /** The name of the task it holds (`frame 42`), null when idle. */
  currentTask: string | null;
  /** How far that task is, when its agent has said. */
  currentProgress: TaskLiveProgress | null;
  lastSeen: number;
}

/**
 * One event of a job's history: its `type` (`noun:verb`, e.g. `job:submitted`, `scale:grow`,
 * `task:failed`; every one is in api/events.ts) says what its `data` holds.
 */
export type JobEvent = EventRecord & {
  id: number;
  at: number;
  actor: 'user' | 'policy' | 'coordinator';
  /**
   * How much it matters, decided where it was recorded: `detail` is routine (agents coming and
   * going, Slurm ending what it was told to end), folded away.
   */
  level: EventLevel;
};

/** A failed task with what its renderer printed last. */
export interface FailedTask {
  taskId: number;
  name: string;
  frames: number[];
  error: string;
  errorTail: string[];
}

export interface JobDetail extends JobSummary {
  spec: SubmitRequest;
  dir: string;
  outputDir: string;
  /** Path of the MP4 relative to the job directory once encoded. */
  video: string | null;
  stages: { name: string; state: string; progress: Progress }[];
  /** Frames of failed render tasks (jobs counted in frames only). */
  failedFrames: { frame: number; error: string; errorTail: string[] }[];
  /** Every failed task of the job, by name. */
  failedTasks: FailedTask[];
  allocations: AllocationView[];
  agents: AgentView[];
  events: JobEvent[];
  auto: AutoScaleSpec | null;
  /** An IndeX session's viewer address once its head printed it; null while it loads. */
  serviceUrl?: string | null;
  /** Plenoxels sweeps and command jobs: one row per task, best PSNR first (issue 7). */
  results?: ResultRow[];
  /** Jobs with the `still` panel: the tile grid and the merged image's file. */
  still?: StillView;
}

/** The coordinator's own health, as `status` shows it above the jobs. */
export interface CoordinatorHealth {
  /** Since when its disk refuses writes, and what it said; null while writing works. */
  writeOutage: { since: number; reason: string } | null;
}

/** A retry's answer: the job, and what this retry queued again. */
export interface RetryReply extends JobDetail {
  requeued: {
    /** Tasks queued again by this retry (not counting the later stages reopened after them). */
    tasks: number;
    /** The same in the job's unit: frames for a job counted in frames, else tasks. */
    units: number;
  };
}

/** One row of a job's results table; metrics are null where the task produced none. */
export interface ResultRow {
  /** The task's name: a Plenoxels train_dir, a command line's id. */
  task: string;
  state: TaskState;
  variables: Record<string, string>;
  psnr: number | null;
  ssim: number | null;
  lpips: number | null;
  minutes: number | null;
  /** Where it ran, `node:gpu`. */
  gpu: string | null;
  /** OpenJD jobs: the step the task belongs to and its position in the job's step order. */
  step?: string;
  stepIndex?: number;
  /** OpenJD jobs: the action's exit code, wall time and the bytes its processes wrote. */
  exitCode?: number | null;
  seconds?: number | null;
  bytesWritten?: number | null;
  /** OpenJD jobs: the last `openjd_progress` (0-100) and `openjd_status`, and any `openjd_fail`. */
  progress?: number | null;
  status?: string | null;
  failMessage?: string | null;
  /** OpenJD jobs: the numbers the task printed as `openjd_metric: name=value`. */
  metrics?: Record<string, number>;
}

export interface NodeView {
  name: string;
  state: string;
  flags: string[];
  gpus: number;
  gpusUsed: number;
  /** Coordinator job holding the node, if any. */
  jobId: string | null;
  slurmJobIds: number[];
}

export interface ClusterView {
  nodes: NodeView[];
}

/** One attempt at a task: where it ran and how it ended (`done`, `failed`, `requeued`, ...). */
export interface AttemptView {
  attempt: number;
  agentId: string;
  node: string;
  gpu: string;
  startedAt: number;
  endedAt: number | null;
  outcome: string | null;
  error: string | null;
}

/** A task with its attempts. */
export interface TaskDetail extends TaskView {
  jobId: string;
  attemptsList: AttemptView[];
}

/** A task's lines of its agents' logs, attempt by attempt. */
export interface TaskLog {
  task: TaskView;
  /** The number of every attempt the task has had, whichever were asked for. */
  attemptNumbers: number[];
  attempts: { attempt: number; agentId: string; node: string; gpu: string; lines: string[] }[];
  /** Every attempt's lines in order (the last `tail`). */
  lines: string[];
}

/** What /api/events streams; the viewer refetches what an event names. */
export type CoordinatorEvent =
  | { type: 'job:updated'; jobId: string; summary: JobSummary }
  | { type: 'task:updated'; jobId: string; task: TaskView }
  | { type: 'job:event'; jobId: string; event: JobEvent }
  | { type: 'cluster:updated' }
  /** First on a job's own stream (and again after a change to many tasks): the whole job. */
  | { type: 'job:snapshot'; jobId: string; detail: JobDetail; tasks: TaskView[] };
