import { DEFAULT_PRIORITY } from '../../api/priority.js';
import type { AgentRow, AllocationRow, EventRow, JobRow, TaskRow } from './types.js';

// Row mappers: SQLite rows (snake_case, JSON in text columns) to the core's types.

export type Row = Record<string, unknown>;

export const json = <T>(v: unknown, fallback: T): T =>
  typeof v === 'string' ? (JSON.parse(v) as T) : fallback;
export const num = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;

export function toJob(r: Row): JobRow {
  return {
    id: r.id as string,
    seq: r.seq as number,
    kind: r.kind as JobRow['kind'],
    name: r.name as string,
    state: r.state as JobRow['state'],
    spec: json(r.spec, {} as JobRow['spec']),
    dir: r.dir as string,
    outputDir: r.output_dir as string,
    agentToken: r.agent_token as string,
    nodesWanted: r.nodes_wanted as number,
    gpusPerNode: r.gpus_per_node as number,
    auto: json(r.auto, null),
    priority: (r.priority as number | undefined) ?? DEFAULT_PRIORITY,
    owner: (r.owner as string | null | undefined) ?? null,
    video: (r.video as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    createdAt: r.created_at as number,
    finishedAt: num(r.finished_at),
    suspendedAt: num(r.suspended_at),
    suspendedMs: num(r.suspended_ms) ?? 0,
  };
}

export function toTask(r: Row): TaskRow {
  return {
    id: r.id as number,
    jobId: r.job_id as string,
    stage: r.stage as string,
    seq: r.seq as number,
    kind: r.kind as string,
    payload: json(r.payload, {}),
    frames: json(r.frames, []),
    state: r.state as TaskRow['state'],
    attempts: r.attempts as number,
    tries: typeof r.tries === 'number' ? r.tries : 0,
    excludedAgents: json(r.failed_by, []),
    agentId: (r.agent_id as string | null) ?? null,
    node: (r.node as string | null) ?? null,
    gpu: (r.gpu as string | null) ?? null,
    leaseExpires: num(r.lease_expires),
    startedAt: num(r.started_at),
    finishedAt: num(r.finished_at),
    result: json(r.result, null),
    error: (r.error as string | null) ?? null,
    errorTail: json(r.error_tail, []),
  };
}

export function toAgent(r: Row): AgentRow {
  return {
    id: r.id as string,
    jobId: r.job_id as string,
    node: r.node as string,
    gpu: r.gpu as string,
    slurmJobId: r.slurm_job_id as number,
    state: r.state as AgentRow['state'],
    failures: r.failures as number,
    pid: num(r.pid),
    registeredAt: r.registered_at as number,
    lastSeen: r.last_seen as number,
  };
}

export function toAllocation(r: Row): AllocationRow {
  return {
    slurmJobId: r.slurm_job_id as number,
    jobId: r.job_id as string,
    role: r.role as AllocationRow['role'],
    state: r.state as AllocationRow['state'],
    nodes: json(r.nodes, []),
    requestedNodes: r.requested_nodes as number,
    reason: r.reason as string,
    createdAt: r.created_at as number,
    endedAt: num(r.ended_at),
  };
}

export function toEvent(r: Row): EventRow {
  // An event's data is as its type says: the recorder checked it when it was written.
  return {
    id: r.id as number,
    jobId: r.job_id as string,
    at: r.at as number,
    type: r.type as EventRow['type'],
    actor: r.actor as EventRow['actor'],
    message: r.message as string,
    data: json(r.data, {}),
    level: r.level as EventRow['level'],
  } as EventRow;
}
