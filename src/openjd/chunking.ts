import type { ExprLookup } from './expr-eval.js';
import { chunkText, chunkValues } from './chunk-layout.js';
import { namesIn, parseCombination, type CombinationNode } from './combination.js';
import { resolveFormatString } from './format-string.js';
import { formatPath, type Problem } from './problem.js';
import { CHUNK_INT } from './schema/chunks.js';
import type { StepTemplate, TaskParameter } from './schema/step.js';
import { INT_STRING } from './values.js';

/**
 * TASK_CHUNKING (RFC 0001): a CHUNK[INT] task parameter's values are split into chunks, and each
 * chunk is one task whose value is the chunk as a range expression (`1-5` or `7-7` when the
 * constraint is CONTIGUOUS, `1-3,7` when NONCONTIGUOUS; how, in `chunk-layout.ts`). A step has at
 * most one such parameter, and it may not be part of an association.
 */

/** The extension a template names to use CHUNK[INT]. */
export const TASK_CHUNKING_EXTENSION = 'TASK_CHUNKING';

/** A CHUNK[INT] task parameter definition. */
export type ChunkParameter = Extract<TaskParameter, { type: typeof CHUNK_INT }>;

/** Whether a task parameter is taken in chunks. */
export function isChunkParameter(p: TaskParameter): p is ChunkParameter {
  return p.type === CHUNK_INT;
}

function associated(node: CombinationNode): string[] {
  if (node.kind === 'name') return [];
  if (node.kind === 'association') return node.children.flatMap(namesIn);
  return node.children.flatMap(associated);
}

/**
 * Refuses CHUNK[INT] parameters in a template that does not name the extension; reads the
 * document as given, so that a step with other problems is still checked.
 */
export function checkChunkExtension(
  rawSteps: readonly unknown[],
  declared: boolean,
  problems: Problem[],
): void {
  if (declared) return;
  rawSteps.forEach((step, i) => {
    const space = (step as { parameterSpace?: { taskParameterDefinitions?: unknown } } | null)
      ?.parameterSpace;
    const defs = space?.taskParameterDefinitions;
    if (!Array.isArray(defs)) return;
    defs.forEach((p: unknown, k) => {
      if ((p as { type?: unknown } | null)?.type === CHUNK_INT)
        problems.push({
          path: formatPath(['steps', i, 'parameterSpace', 'taskParameterDefinitions', k, 'type']),
          message: `CHUNK[INT] needs the ${TASK_CHUNKING_EXTENSION} extension: add "extensions: [${TASK_CHUNKING_EXTENSION}]" to the template, or make the type INT`,
        });
    });
  });
}

/** Checks a step's CHUNK[INT] parameters: one per step, none in an association. */
export function checkChunkParameters(step: StepTemplate, index: number, problems: Problem[]): void {
  const space = step.parameterSpace;
  if (!space) return;
  const at = (...more: (string | number)[]) =>
    formatPath(['steps', index, 'parameterSpace', ...more]);
  const chunked = space.taskParameterDefinitions.flatMap((p, k) =>
    isChunkParameter(p) ? [{ p, k }] : [],
  );
  for (const { k } of chunked.slice(1))
    problems.push({
      path: at('taskParameterDefinitions', k, 'type'),
      message: 'a step may have only one CHUNK[INT] parameter: make the others INT',
    });
  if (space.combination === undefined || !chunked.length) return;
  const combo = parseCombination(space.combination);
  if ('error' in combo) return; // reported by checkParameterSpace
  for (const { p } of chunked)
    if (associated(combo).includes(p.name))
      problems.push({
        path: at('combination'),
        message: `${p.name} is a CHUNK[INT] parameter and cannot be in an association "( , )": combine it with * only`,
      });
}

/**
 * A chunk count (`defaultTaskCount` or `targetRuntimeSeconds`) resolved with the submission
 * values, or why it is not usable.
 */
export function resolveCount(
  v: number | string,
  min: number,
  lookup: ExprLookup,
): { value: number } | { error: string } {
  if (typeof v === 'number') return { value: v };
  const r = resolveFormatString(v, lookup);
  if ('error' in r) return r;
  const n = INT_STRING.test(r.value) ? Number(r.value.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min)
    return { error: `resolves to "${r.value}": give an integer of at least ${min}` };
  return { value: n };
}

/**
 * A CHUNK[INT] parameter's task values at submission: its integer `values` made into chunks of
 * `defaultTaskCount`, each written as its tasks see it; or why a count does not resolve.
 */
export function chunkedValues(
  p: ChunkParameter,
  values: readonly string[],
  lookup: ExprLookup,
): { values: string[] } | { error: string; at: string } {
  const spec = p.chunks;
  if (!spec) return { error: 'is required for CHUNK[INT]', at: 'chunks' };
  const size = resolveCount(spec.defaultTaskCount, 1, lookup);
  if ('error' in size) return { error: size.error, at: 'chunks.defaultTaskCount' };
  if (spec.targetRuntimeSeconds !== undefined) {
    const t = resolveCount(spec.targetRuntimeSeconds, 0, lookup);
    if ('error' in t) return { error: t.error, at: 'chunks.targetRuntimeSeconds' };
  }
  const chunks = chunkValues(values.map(Number), size.value, spec.rangeConstraint);
  return { values: chunks.map((c) => chunkText(c, spec.rangeConstraint)) };
}

/**
 * The chunk size that makes a chunk run about `targetSeconds`, from the seconds one value took
 * on average in the chunks done so far: at least one value and at most `maxSize`.
 */
export function adaptiveChunkSize(
  targetSeconds: number,
  perValueSeconds: number,
  maxSize: number,
): number {
  if (!(perValueSeconds > 0)) return maxSize;
  return Math.max(1, Math.min(maxSize, Math.round(targetSeconds / perValueSeconds)));
}
