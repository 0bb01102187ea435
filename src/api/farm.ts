import type { AgentView, JobSummary, NodeView } from './types.js';

/** An agent as the farm page lists it: with the job it works for. */
export interface FarmAgent extends AgentView {
  jobId: string;
  jobName: string;
}

/** A node of the partition with the agents working there now (active or draining). */
export interface FarmNode extends NodeView {
  agents: FarmAgent[];
}

/** A job of the queue with the agents blocklisted for it. */
export interface FarmJob extends JobSummary {
  blocked: FarmAgent[];
}

/**
 * `GET /api/farm`: the partition's nodes and their agents; the open jobs (queued or running) in
 * the order Slurm starts them (priority, higher first, then oldest first), each with its
 * blocklisted agents.
 */
export interface FarmView {
  nodes: FarmNode[];
  queue: FarmJob[];
}
