import type {
  AgentView,
  AllocationView,
  JobDetail,
  JobSummary,
  Progress,
  TaskView,
} from './api-types.js';
import { jobTypeOf } from './jobs/registry.js';
import type { AgentsTable } from './store/tables/agents.js';
import type { AllocationsTable } from './store/tables/allocations.js';
import type { EventsTable } from './store/tables/events.js';
import type { StagesTable } from './store/tables/stages.js';
import type { TasksTable } from './store/tables/tasks.js';
import type { AgentRow, AllocationRow, JobRow, TaskRow } from './store/types.js';

/** What the API's views of a job read. */
export interface ViewStore {
  stages: Pick<StagesTable, 'list'>;
  tasks: Pick<TasksTable, 'progress' | 'completions' | 'list'>;
  allocations: Pick<AllocationsTable, 'list'>;
  agents: Pick<AgentsTable, 'list'>;
  events: Pick<EventsTable, 'list' | 'latest'>;
}

const RATE_WINDOW_MS = 5 * 60_000;

const byFrames = (job: JobRow) => jobTypeOf(job.kind).progressUnit === 'frames';

function progressOf(store: ViewStore, job: JobRow): Progress {
  const p = store.tasks.progress(job.id, jobTypeOf(job.kind).mainStage);
  return byFrames(job) ? p.frames : p.tasks;
}

export function taskView(t: TaskRow): TaskView {
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
    stage: t.stage,
    state: t.state,
    frames: t.frames,
    attempts: t.attempts,
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
  };
}

export function allocationView(a: AllocationRow): AllocationView {
  return { ...a };
}

export function agentView(a: AgentRow, current: number | null): AgentView {
  return {
    id: a.id,
    node: a.node,
    gpu: a.gpu,
    slurmJobId: a.slurmJobId,
    state: a.state,
    failures: a.failures,
    currentTaskId: current,
    lastSeen: a.lastSeen,
  };
}

export function jobSummary(store: ViewStore, job: JobRow, now = Date.now()): JobSummary {
  const progress = progressOf(store, job);
  const recent = store.tasks.completions(job.id, now - RATE_WINDOW_MS, byFrames(job));
  const units = byFrames(job) ? recent.frames : recent.tasks;
  const first = Math.min(recent.firstStartedAt ?? now, now);
  const minutes = Math.max((now - first) / 60_000, 1 / 60);
  const ratePerMinute = recent.tasks ? units / minutes : 0;
  const left = progress.total - progress.done - progress.failed;
  const allocations = store.allocations.list(job.id).filter((a) => a.state !== 'ended');
  const nodes = [...new Set(allocations.flatMap((a) => a.nodes))];
  const current = store.stages
    .list(job.id)
    .find((s) => s.state === 'ready' || s.state === 'failed');
  return {
    id: job.id,
    name: job.name,
    kind: job.kind,
    state: job.state,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    progress,
    ratePerMinute: Math.round(ratePerMinute * 10) / 10,
    etaSeconds:
      job.state === 'running' && ratePerMinute > 0 ? Math.round((left / ratePerMinute) * 60) : null,
    nodes,
    gpus: nodes.length * job.gpusPerNode,
    stage: current?.name ?? (job.state === 'succeeded' ? 'done' : ''),
    error: job.error,
  };
}

export function jobDetail(store: ViewStore, job: JobRow): JobDetail {
  const leased = store.tasks.list(job.id, { state: 'leased' }).tasks;
  const failed = store.tasks.list(job.id, { state: 'failed' }).tasks;
  const type = jobTypeOf(job.kind);
  const results = type.results?.(store.tasks.list(job.id, { stage: type.mainStage }).tasks);
  return {
    ...jobSummary(store, job),
    spec: job.spec,
    dir: job.dir,
    outputDir: job.outputDir,
    video: job.video,
    stages: store.stages.list(job.id).map((s) => {
      const p = store.tasks.progress(job.id, s.name);
      return {
        name: s.name,
        state: s.state,
        progress: s.name === type.mainStage && byFrames(job) ? p.frames : p.tasks,
      };
    }),
    failedFrames: failed.flatMap((t) =>
      (t.frames.length ? t.frames : [-t.id]).map((frame) => ({
        frame,
        error: t.error ?? 'failed',
        errorTail: t.errorTail,
      })),
    ),
    allocations: store.allocations.list(job.id).map(allocationView),
    agents: store.agents
      .list(job.id)
      .map((a) => agentView(a, leased.find((t) => t.agentId === a.id)?.id ?? null)),
    events: store.events.list(job.id).map((e) => ({
      id: e.id,
      at: e.at,
      type: e.type,
      actor: e.actor,
      message: e.message,
      data: e.data,
    })),
    auto: job.auto,
    ...(type.service ? { serviceUrl: serviceUrl(store, job.id) } : {}),
    ...(results ? { results } : {}),
  };
}

/** A service's address recorded by the reconcile loop, or null while the session loads. */
export function serviceUrl(store: Pick<ViewStore, 'events'>, jobId: string): string | null {
  const ready = store.events.latest(jobId, 'session:ready');
  return typeof ready?.data.url === 'string' ? ready.data.url : null;
}
