import type { WarmUp } from './jobs/job-type.js';
import type { AllocationRow, JobRow } from './store/types.js';

/** How an allocation is asked for: nodes, role, and for an attached one the primary's Slurm job id. */
export interface AllocationRequest {
  nodes: number;
  role: AllocationRow['role'];
  nodeList?: string[];
  /** The primary allocation an attached one joins (IndeX: `nvindex-slurm -a<id>`). */
  attachTo?: number;
  /** What the agents load before they register (Blender: the scene); see WarmUps. */
  warmUp?: WarmUp;
}

/** What the core needs from Slurm; `SlurmAllocator` implements it with sbatch/squeue/scontrol. */
export interface AllocationPort {
  /** The sbatch options and script an allocation would be submitted with (for --dry-run). */
  plan(job: JobRow, opts: AllocationRequest): { script: string; args: string[] };
  /** Submits an allocation for `job` on `nodes` nodes; returns the Slurm job id. */
  submit(job: JobRow, opts: AllocationRequest): Promise<number>;
  /** Current Slurm view of every job this coordinator started (found by name prefix). */
  list(): Promise<SlurmAllocationState[]>;
  cancel(slurmJobIds: number[]): Promise<void>;
  /** Orders a pending allocation's start anew for the job's new priority (1..100). */
  renice(slurmJobId: number, priority: number): Promise<void>;
  /** Keeps exactly `keep` nodes of a running allocation. */
  shrink(slurmJobId: number, keep: string[]): Promise<void>;
  /** Whether Slurm refuses to shrink an allocation it has shrunk before (22.05 without accounting). */
  resizesOnce(): Promise<boolean>;
  /** Nodes in the partition jobs run in, with their state. */
  partitionNodes(): Promise<
    { name: string; state: string; flags: string[]; gpus: number; gpusUsed: number }[]
  >;
}

export interface SlurmAllocationState {
  slurmJobId: number;
  /** The coordinator job id the allocation belongs to (from its name). */
  jobId: string;
  role: AllocationRow['role'];
  active: boolean;
  state: string;
  nodes: string[];
  /** The node that runs the batch script; releasing it would end the whole allocation. */
  batchHost: string;
  reason: string;
}
