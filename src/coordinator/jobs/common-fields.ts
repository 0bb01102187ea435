import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { FileProbe } from '../../util/file-probe.js';
import { ABSOLUTE_PATH } from '../../api/requests/common.js';
import type { CommonSubmitFields } from '../../api/types.js';
import type { JobPlan, PlanLimits } from './job-type.js';

/** A whole number within bounds, or a UsageError naming the field. */
export function wholeNumber(name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new UsageError(`${name} must be a whole number from ${min} to ${max} (got ${String(v)})`);
  }
  return v;
}

/** The fields every kind shares, validated against the cluster's limits. */
export interface CommonFields {
  nodes: number;
  gpusPerNode: number;
  timeLimitMinutes: number;
  name: string | undefined;
}

/** Checks nodes, gpusPerNode, timeLimitMinutes, name and auto; throws UsageError. */
export function checkCommonFields(req: CommonSubmitFields, limits: PlanLimits): CommonFields {
  const nodes = wholeNumber('nodes', req.nodes ?? 1, 1, 100000);
  if (nodes > limits.partitionNodes) {
    throw new UsageError(
      `nodes: ${nodes} is more than the ${limits.partitionNodes} node(s) the partition has`,
    );
  }
  const gpusPerNode = wholeNumber(
    'gpusPerNode',
    req.gpusPerNode ?? limits.maxGpusPerNode,
    1,
    Math.max(1, limits.maxGpusPerNode),
  );
  const timeLimitMinutes = wholeNumber(
    'timeLimitMinutes',
    req.timeLimitMinutes ?? 60,
    1,
    60 * 24 * 14,
  );
  if (req.name !== undefined && req.name.length > 200)
    throw new UsageError('name must be text of at most 200 characters');
  if (req.auto) {
    wholeNumber('auto.min', req.auto.min, 1, limits.partitionNodes);
    wholeNumber('auto.max', req.auto.max, req.auto.min, limits.partitionNodes);
  }
  return { nodes, gpusPerNode, timeLimitMinutes, name: req.name };
}

/** An absolute path the head node can read, without control characters; throws UsageError. */
export function absolutePath(
  field: string,
  value: unknown,
  kind: 'file' | 'dir',
  files: FileProbe,
): string {
  if (typeof value !== 'string' || value === '') throw new UsageError(`${field}: ${ABSOLUTE_PATH}`);
  if (!path.isAbsolute(value))
    throw new UsageError(`${field}: ${JSON.stringify(value)} must be an absolute path`);
  if (/[\0\n\r]/.test(value)) throw new UsageError(`${field}: the path holds a control character`);
  const ok = kind === 'dir' ? files.isDirectory(value) : files.isFile(value);
  if (!ok)
    throw new UsageError(
      `${field}: ${kind === 'dir' ? 'directory' : 'file'} ${value} does not exist`,
    );
  return value;
}

/**
 * The text a request carries inline (`inline`, its file's text) or names by absolute path
 * (`file`); the source is the path, else the inline field's name.
 */
export function inlineOrFile(
  inline: { field: string; text: string | undefined },
  file: { field: string; path: string | undefined },
  files: FileProbe,
): { text: string; source: string } {
  if (inline.text !== undefined) return { text: inline.text, source: file.path || inline.field };
  const abs = absolutePath(file.field, file.path, 'file', files);
  return { text: files.readText(abs), source: abs };
}

/** The one stage of a job of independent tasks (commands, Plenoxels runs, dataset views). */
export const MAIN_STAGE = 'main';

/** One ready `main` stage holding one task of `kind` per payload, in order, none with frames. */
export function mainStageTasks(
  kind: string,
  payloads: Record<string, unknown>[],
): Pick<JobPlan, 'stages' | 'tasks'> {
  return {
    stages: [{ name: MAIN_STAGE, seq: 0, state: 'ready' }],
    tasks: payloads.map((payload, seq) => ({ stage: MAIN_STAGE, seq, kind, payload, frames: [] })),
  };
}
