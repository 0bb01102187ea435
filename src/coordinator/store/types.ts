import type {
  AutoScaleSpec,
  JobEvent,
  JobKind,
  JobState,
  SubmitRequest,
  TaskState,
} from '../../api/types.js';
import type { LeaseOrder, LeaseRank } from '../scheduler/lease-order.js';

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
  video: string | null;
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
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
  attempts: number;
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

export interface AllocationRow {
  slurmJobId: number;
  jobId: string;
  role: 'primary' | 'attached';
  state: 'pending' | 'running' | 'ended';
  nodes: string[];
  requestedNodes: number;
  reason: string;
  createdAt: number;
  endedAt: number | null;
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
