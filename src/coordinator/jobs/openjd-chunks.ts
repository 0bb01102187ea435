import { z } from 'zod';
import { chunkText, chunkValues } from '../../openjd/chunk-layout.js';
import { adaptiveChunkSize, isChunkParameter, resolveCount } from '../../openjd/chunking.js';
import { findStep, submissionLookup } from '../../openjd/expand.js';
import {
  MAX_CHUNK_RANGE_VALUES,
  MAX_RANGE_VALUES,
  parseRangeExpr,
} from '../../openjd/range-expr.js';
import { taskLabel } from '../../openjd/step-slice.js';
import type { NewTask, TaskRow } from '../store/types.js';
import type { JobParameterValues } from '../../openjd/job-parameters.js';
import type { JobTemplate } from '../../openjd/schema/template.js';

/**
 * TASK_CHUNKING's `targetRuntimeSeconds` on the coordinator: a chunk task of such a step carries
 * its sizing (`adaptive`), and each finished chunk sizes the step's chunks no agent has leased
 * yet from the seconds per value the finished chunks took, so that a chunk runs about the target.
 * A leased chunk keeps its values; one whose agent dies goes back whole.
 */

/** What a chunk task carries to be sized again. */
export const adaptiveSizing = z.object({
  parameter: z.string(),
  targetSeconds: z.number().positive(),
  rangeConstraint: z.enum(['CONTIGUOUS', 'NONCONTIGUOUS']),
});
/** A chunk task's sizing. */
export type AdaptiveSizing = z.infer<typeof adaptiveSizing>;

/** The sizing of a step's chunk tasks; undefined for a step without a targetRuntimeSeconds above 0. */
export function adaptiveSizingOf(
  spec: { template: JobTemplate; values: JobParameterValues },
  stepName: string,
): AdaptiveSizing | undefined {
  const { step } = findStep(spec.template, stepName);
  const p = step.parameterSpace?.taskParameterDefinitions.find(isChunkParameter);
  const target = p?.chunks?.targetRuntimeSeconds;
  if (!p?.chunks || target === undefined) return undefined;
  const t = resolveCount(target, 0, submissionLookup(spec.values));
  if ('error' in t || t.value === 0) return undefined;
  return { parameter: p.name, targetSeconds: t.value, rangeConstraint: p.chunks.rangeConstraint };
}

type Params = Record<string, { type: string; value: string }>;

const paramsOf = (t: TaskRow) => t.payload.params as Params;
const valuesOf = (t: TaskRow, name: string): number[] => {
  const r = parseRangeExpr(paramsOf(t)[name]?.value ?? '', MAX_CHUNK_RANGE_VALUES);
  return 'values' in r ? r.values : [];
};

/**
 * The never-leased chunks of `done`'s stage made again at the size the finished chunks'
 * seconds per value give; undefined when that changes nothing. Chunks that differ in another
 * task parameter are sized apart.
 */
export function resizeChunks(
  done: TaskRow,
  stageTasks: () => TaskRow[],
): { remove: number[]; add: NewTask[] } | undefined {
  const parsed = adaptiveSizing.safeParse(done.payload.adaptive);
  if (!parsed.success) return undefined;
  const a = parsed.data;
  const tasks = stageTasks();
  let seconds = 0;
  let values = 0;
  for (const t of tasks)
    if (t.state === 'done' && t.startedAt !== null && t.finishedAt !== null) {
      seconds += (t.finishedAt - t.startedAt) / 1000;
      values += valuesOf(t, a.parameter).length;
    }
  const queued = tasks.filter((t) => t.state === 'queued' && t.tries === 0);
  if (!values || !queued.length) return undefined;
  const size = adaptiveChunkSize(a.targetSeconds, seconds / values, MAX_RANGE_VALUES);
  const groups = new Map<string, TaskRow[]>();
  for (const t of queued) {
    const { [a.parameter]: _chunk, ...others } = paramsOf(t);
    void _chunk;
    const key = JSON.stringify(others);
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  let seq = tasks.reduce((m, t) => Math.max(m, t.seq), 0) + 1;
  const add: NewTask[] = [];
  let changed = false;
  for (const group of groups.values()) {
    const chunks = chunkValues(
      group.flatMap((t) => valuesOf(t, a.parameter)),
      size,
      a.rangeConstraint,
    );
    const texts = chunks.map((c) => chunkText(c, a.rangeConstraint));
    if (texts.join(' ') !== group.map((t) => paramsOf(t)[a.parameter]?.value).join(' '))
      changed = true;
    const first = group[0] as TaskRow;
    for (const text of texts) {
      const params: Params = {
        ...paramsOf(first),
        [a.parameter]: { type: 'CHUNK[INT]', value: text },
      };
      const step = String(first.payload.step);
      add.push({
        stage: first.stage,
        seq,
        kind: first.kind,
        payload: { ...first.payload, index: seq, params, label: taskLabel(step, params) },
        frames: [],
      });
      seq++;
    }
  }
  return changed ? { remove: queued.map((t) => t.id), add } : undefined;
}
