import { UsageError } from '../../errors.js';
import type { JobKind, SubmitRequest } from '../api-types.js';
import type { NewTask, StageRow } from '../store/types.js';
import { planBlenderJob } from './blender-plan.js';
import { planBlenderDatasetJob } from './blender-dataset-plan.js';
import { planIndexJob } from './index-plan.js';
import { planCommandJob } from './command-plan.js';
import { planPlenoxelsJob } from './plenoxels-plan.js';

/** Limits that come from the cluster, checked before anything is written. */
export interface PlanLimits {
  partitionNodes: number;
  maxGpusPerNode: number;
}

/** Where a job's files go; the plan puts these paths into task payloads. */
export interface JobDirs {
  id: string;
  dir: string;
  outputDir: string;
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
}

/** Validates a request of one kind and splits it into stages and tasks; throws UsageError, writes nothing. */
export type Planner = (req: SubmitRequest, limits: PlanLimits, dirs: JobDirs) => JobPlan;

const planners = new Map<string, Planner>([
  ['blender', planBlenderJob],
  ['blender-dataset', planBlenderDatasetJob],
  ['plenoxels', planPlenoxelsJob],
  ['command', planCommandJob],
  ['index', planIndexJob],
]);

/** Adds a job kind (Plenoxels, command, IndeX) to the coordinator. */
export function registerPlanner(kind: JobKind, planner: Planner): void {
  planners.set(kind, planner);
}

export function planJob(req: SubmitRequest, limits: PlanLimits, dirs: JobDirs): JobPlan {
  const planner = req && typeof req === 'object' ? planners.get(String(req.kind)) : undefined;
  if (!planner)
    throw new UsageError(
      `kind must be one of ${[...planners.keys()].join(', ')} (got ${JSON.stringify((req as { kind?: unknown } | undefined)?.kind)})`,
    );
  return planner(req, limits, dirs);
}
