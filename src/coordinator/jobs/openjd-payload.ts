import { z } from 'zod';
import { adaptiveSizing } from './openjd-chunks.js';
import type { JobParameterValues } from '../../openjd/job-parameters.js';
import { PARAMETER_TYPES } from '../../openjd/schema/parameters.js';
import type { JobTemplate } from '../../openjd/schema/template.js';
import type { TaskResources } from '../../openjd/slurm-resources.js';
import { pathMappingRules, type PathMappingRule } from '../../openjd/path-mapping.js';
import type { SubmitRequest } from '../../api/types.js';

/** The task kind of every OpenJD task. */
export const OPENJD_TASK = 'openjd-task';

/** What an OpenJD job keeps in its spec: the validated template, the resolved parameters, the needs. */
export interface OpenjdSpec {
  template: JobTemplate;
  values: JobParameterValues;
  resources: TaskResources;
  /** Path-mapping rules its sessions apply (`submit openjd --path-mapping-rules`). */
  pathMapping?: PathMappingRule[];
}

const value = z.object({
  type: z.enum(PARAMETER_TYPES),
  value: z.string(),
});
/** A task parameter's value: a CHUNK[INT] one is its chunk as a range expression (`1-5`). */
const taskValue = z.object({
  type: z.enum(['INT', 'FLOAT', 'STRING', 'PATH', 'CHUNK[INT]']),
  value: z.string(),
});

const template = z.custom<JobTemplate>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    Array.isArray((v as { steps?: unknown }).steps) &&
    typeof (v as { name?: unknown }).name === 'string',
  'a validated job template (name, steps)',
);

/**
 * What an `openjd-task` carries: its step (name and place in the run order), its index and
 * task parameter values, a label for people (`Process[Tile=…]`), the job parameters, and the
 * part of the template its runner needs (the job's environments and this step; see stepSlice).
 */
export const openjdPayload = z.object({
  step: z.string().min(1),
  stepIndex: z.number().int().min(0),
  index: z.number().int().min(0),
  label: z.string(),
  params: z.record(z.string(), taskValue),
  jobParameters: z.record(z.string(), value),
  template,
  /** A chunk task whose step has a targetRuntimeSeconds: how to size its chunks again. */
  adaptive: adaptiveSizing.optional(),
  /** The path-mapping rules of the job's sessions. */
  pathMapping: pathMappingRules.optional(),
});

/** An `openjd-task` payload. */
export type OpenjdTaskPayload = z.infer<typeof openjdPayload>;

/** The OpenJD part of a stored job's spec; throws when the job is not one the plan wrote. */
export function openjdSpecOf(spec: SubmitRequest): OpenjdSpec {
  const s = (spec as { openjd?: OpenjdSpec }).openjd;
  if (!s || !Array.isArray(s.template?.steps)) throw new Error('not an OpenJD job spec');
  return s;
}
