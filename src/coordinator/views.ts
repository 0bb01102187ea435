import type {
  AgentView,
  AllocationView,
  FailedTask,
  JobDetail,
  JobPresentation,
  JobSummary,
  StillView,
  TaskView,
} from '../api/types.js';
import { jobEvent } from './history.js';
import { jobTypeOf } from './jobs/registry.js';
import type { AgentsTable } from './store/tables/agents.js';
import type { AllocationsTable } from './store/tables/allocations.js';
import type { EventsTable } from './store/tables/events.js';
import type { StagesTable } from './store/tables/stages.js';
import type { TasksTable } from './store/tables/tasks/tasks-table.js';
import type { JobType } from './jobs/job-type.js';
import type { AgentRow, AllocationRow, JobRow, TaskRow } from './store/types.js';
import type { LiveProgress } from './store/live-progress.js';
import { completionsOf, jobProgress, progressStage, unitOf } from './view/progress.js';
import { paceOf } from './view/rate.js';
import { taskName } from './view/task-name.js';
import { startedAtOf, waitingOf } from './view/waiting.js';

/** What the API's views of a job read. */
export interface ViewStore {
  stages: Pick<StagesTable, 'list'>;
  tasks: Pick<TasksTable, 'progress' | 'recentCompletions' | 'list'>;
  allocations: Pick<AllocationsTable, 'list' | 'live'>;
  agents: Pick<AgentsTable, 'list'>;
  events: Pick<EventsTable, 'list' | 'latest'>;
  /** How far running tasks are (in memory); none: no task shows any. */
  live?: Pick<LiveProgress, 'of' | 'noted'>;
}

/**
 * A task as the API shows it, named for people (see view/task-name.ts), with how far it is
 * while it runs when `live` is given.
 */
export function taskView(t: TaskRow, live?: Pick<LiveProgress, 'of'>): TaskView {
  const progress = live?.of(t);
  const frameResults = (t.result?.frames ?? {}) as Record<
    string,
    { seconds?: number; file?: string; thumb?: string }
  >;
  const files = Object.values(frameResults).flatMap((f) =>
    [f.file, f.thumb].filter((x): x is string => typeof x === 'string'),
  );
  if (typeof t.result?.video === 'string') files.push(t.result.video);
  return {
    id: t.id,
    name: taskName(t),
    stage: t.stage,
    state: t.state,
    frames: t.frames,
    attempts: t.attempts,
    tries: t.tries,
    agentId: t.agentId,
    node: t.node,
    gpu: t.gpu,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    frameSeconds: Object.fromEntries(
      Object.entries(frameResults).map(([k, v]) => [k, v.seconds ?? 0]),
    ),
    files,
    error: t.error,
    errorTail: t.errorTail,
    ...(progress ? { progress } : {}),
  };
}

export function allocationView(a: AllocationRow): AllocationView {
  return { ...a };
}

export function agentView(a: AgentRow, current: TaskView | null): AgentView {
  return {
    id: a.id,
    node: a.node,
    gpu: a.gpu,
    slurmJobId: a.slurmJobId,
    state: a.state,
    failures: a.failures,
    currentTaskId: current?.id ?? null,
    currentTask: current?.name ?? null,
    currentProgress: current?.progress ?? null,
    lastSeen: a.lastSeen,
  };
}

/** What the viewer and the CLI show of a job, from its type: they never ask for its kind. */
function presentationOf(type: JobType): JobPresentation {
  return { panels: [...type.panels], scaling: type.service ? 'service' : 'agents' };
}

export function jobSummary(store: ViewStore, job: JobRow, now = Date.now()): JobSummary {
  const progress = jobProgress(store, job);
  const type = jobTypeOf(job.kind);
  const agents = store.agents.list(job.id);
  const startedAt = startedAtOf(agents, () =>
    type.service ? store.events.latest(job.id, 'allocation:running')?.at : undefined,
  );
  const pace = paceOf({
    state: job.state,
    startedAt,
    finishedAt: job.finishedAt,
    suspendedAt: job.suspendedAt,
    suspendedMs: job.suspendedMs,
    progress,
    completions: completionsOf(store, job),
    now,
  });
  const all = store.allocations.list(job.id);
  const waiting =
    job.suspendedAt != null
      ? null
      : waitingOf({
          job,
          allocations: all,
          agents,
          live: () => store.allocations.live(),
        });
  const allocations = all.filter((a) => a.state !== 'ended');
  const nodes = [...new Set(allocations.flatMap((a) => a.nodes))];
  const current = store.stages
    .list(job.id)
    .find((s) => s.state === 'ready' || s.state === 'failed');
  return {
    id: job.id,
    name: job.name,
    kind: job.kind,
    state: job.state,
    waiting,
    suspendedAt: job.suspendedAt ?? null,
    suspendedMs: job.suspendedMs ?? 0,
    priority: job.priority,
    owner: job.owner,
    createdAt: job.createdAt,
    startedAt,
    finishedAt: job.finishedAt,
    progress,
    unit: unitOf(job),
    presentation: presentationOf(type),
    ...pace,
    nodes,
    gpus: nodes.length * job.gpusPerNode,
    stage: current?.name ?? (job.state === 'succeeded' ? 'done' : ''),
    error: job.error,
  };
}

function failedTask(t: TaskView): FailedTask {
  return {
    taskId: t.id,
    name: t.name,
    frames: t.frames,
    error: t.error ?? 'failed',
    errorTail: t.errorTail,
  };
}

export function jobDetail(store: ViewStore, job: JobRow, now = Date.now()): JobDetail {
  const leased = store.tasks
    .list(job.id, { state: 'leased' })
    .tasks.map((t) => taskView(t, store.live));
  const failed = store.tasks.list(job.id, { state: 'failed' }).tasks.map((t) => taskView(t));
  const type = jobTypeOf(job.kind);
  const results = type.results?.(store.tasks.list(job.id, { stage: progressStage(job) }).tasks);
  const summary = jobSummary(store, job, now);
  return {
    ...summary,
    spec: job.spec,
    dir: job.dir,
    outputDir: job.outputDir,
    video: job.video,
    stages: store.stages.list(job.id).map((s) => {
      const p = store.tasks.progress(job.id, s.name);
      return {
        name: s.name,
        state: s.state,
        progress: s.name === type.mainStage ? summary.progress : p.tasks,
      };
    }),
    failedFrames: failed.flatMap((t) =>
      t.frames.map((frame) => ({ frame, error: t.error ?? 'failed', errorTail: t.errorTail })),
    ),
    failedTasks: failed.map(failedTask),
    allocations: store.allocations.list(job.id).map(allocationView),
    agents: store.agents
      .list(job.id)
      .map((a) => agentView(a, leased.find((t) => t.agentId === a.id) ?? null)),
    events: store.events.list(job.id).map(jobEvent),
    auto: job.auto,
    ...(type.service ? { serviceUrl: serviceUrl(store, job.id) } : {}),
    ...(results ? { results } : {}),
    ...stillOf(type, store, job),
  };
}

/** The `still` panel's grid, for job types that draw one. */
function stillOf(type: JobType, store: ViewStore, job: JobRow): { still?: StillView } {
  const still = type.still?.(job, store.tasks.list(job.id).tasks);
  return still ? { still } : {};
}

/** A service's address recorded by the reconcile loop, or null while the session loads. */
export function serviceUrl(store: Pick<ViewStore, 'events'>, jobId: string): string | null {
  const ready = store.events.latest(jobId, 'session:ready');
  return typeof ready?.data.url === 'string' ? ready.data.url : null;
}
