import type {
  AutoScaleSpec,
  AllocationView,
  JobEvent,
  JobKind,
  JobState,
  SubmitRequest,
  TaskState,
} from '../../api/types.js';

/** How a stage's queued tasks are leased (scheduler/lease-order.ts decides; the stage keeps it). */
export interface LeaseOrder {
  /** Every `stride`-th task is a sample; an estimate comes from a finished task at most this far. */
  costliestFirst: { stride: number };
}

/** Where a task stands in its stage's queue: by `tier`, then `key`, then `seq`, lowest first. */
export interface LeaseRank {
  tier: number;
  key: number;
}

/** The tiers of a costliest-first queue, which the lease order names and the queue keeps. */
export interface LeaseTiers {
  sample: number;
  unmeasured: number;
  estimated: number;
}

/**
 * What the queue needs to keep a costliest-first stage's estimates, handed down by the lease
 * order (scheduler/lease-order.ts): how far an estimate reaches, and the tiers to file tasks in.
 */
export interface CostliestFirst {
  stride: number;
  tiers: LeaseTiers;
}

/** Rows as the core sees them (JSON columns already parsed). */
export interface JobRow {
  id: string;
  seq: number;
  kind: JobKind;
  name: string;
  state: JobState;
  spec: SubmitRequest;
  dir: string;
  outputDir: string;
  agentToken: string;
  nodesWanted: number;
  gpusPerNode: number;
  auto: AutoScaleSpec | null;
  /** 1..100, higher first (api/priority.ts); changed with `POST /api/jobs/:id/priority`. */
  priority: number;
  /** Who submitted it (http/job-access.ts); null: submitted before owners were kept, the operator's. */
  owner: string | null;
  video: string | null;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
  /** Set while the job is suspended (`cluster-tool suspend`): no task of it is leased. */
  suspendedAt?: number | null;
  /** The time its earlier suspensions took (ms): not part of its elapsed time. */
  suspendedMs?: number;
}

export interface StageRow {
  jobId: string;
  name: string;
  seq: number;
  state: 'waiting' | 'ready' | 'done' | 'failed';
  /** How its queued tasks are leased; absent: in order. */
  leaseOrder?: LeaseOrder;
}

export interface TaskRow {
  id: number;
  jobId: string;
  stage: string;
  seq: number;
  kind: string;
  payload: Record<string, unknown>;
  frames: number[];
  state: TaskState;
  /** Failed attempts counted toward its limit since it was last queued afresh (a requeue: 0). */
  attempts: number;
  /** Every time it was leased, the running one too, however often it was requeued. */
  tries: number;
  /** The agents that failed it (the `task_failures` table), by id. */
  excludedAgents: string[];
  agentId: string | null;
  node: string | null;
  gpu: string | null;
  leaseExpires: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  result: Record<string, unknown> | null;
  error: string | null;
  errorTail: string[];
}

export interface AgentRow {
  id: string;
  jobId: string;
  node: string;
  gpu: string;
  slurmJobId: number;
  state: 'active' | 'draining' | 'gone' | 'blocked';
  failures: number;
  pid: number | null;
  registeredAt: number;
  lastSeen: number;
}

/** An allocation as the API shows it, and the job it serves. */
export interface AllocationRow extends AllocationView {
  jobId: string;
}

/** One event of a job's history, as recorded. */
export type EventRow = JobEvent & { jobId: string };

/** An event before the store numbers it. */
export type NewEvent = EventRow extends infer E
  ? E extends EventRow
    ? Omit<E, 'id'>
    : never
  : never;

/** A new task before it has an id. */
export interface NewTask {
  stage: string;
  seq: number;
  kind: string;
  payload: Record<string, unknown>;
  frames: number[];
  /** Its place in a stage leased other than in order (scheduler/lease-order.ts). */
  lease?: LeaseRank;
}
