import type { ChunkSpec } from './schema/chunks.js';

/**
 * How a CHUNK[INT] parameter's values are cut into chunks, and how a chunk is written; the
 * layout the specification's conformance cases pin (TASK_CHUNKING `jobs/`) and the reference
 * implementation makes, so that a template written against Deadline Cloud gets the same chunks
 * here.
 *
 * - A run of consecutive values (CONTIGUOUS: each run on its own; NONCONTIGUOUS: all the values
 *   as one run) of n values is cut into as few chunks as `size` allows, ceil(n / size), their
 *   sizes differing by at most one: 1-12 in chunks of 5 is 1-4, 5-8, 9-12, not 1-5, 6-10, 11-12.
 * - A CONTIGUOUS chunk is always `start-end`, a one-value chunk too (`7-7`), so that a script
 *   may cut it at the `-`. A NONCONTIGUOUS chunk is a range expression: three or more values
 *   a constant step apart as `a-b` or `a-b:step`, others listed (`1-3,5,7-11:2`; `7,8`).
 */

type Constraint = ChunkSpec['rangeConstraint'];

/**
 * The sizes of the chunks `count` values make in chunks of at most `size`: ceil(count / size)
 * chunks, the larger ones spread evenly among them (the reference's `divide_chunk_sizes`).
 */
export function chunkSizes(count: number, size: number): number[] {
  if (count <= 0) return [];
  const n = Math.ceil(count / Math.max(1, size));
  const sizes: number[] = new Array<number>(n).fill(Math.floor(count / n));
  const larger = count % n;
  for (let i = 0; i < larger; i++) {
    const k = Math.floor((i * n) / larger);
    sizes[k] = (sizes[k] as number) + 1;
  }
  return sizes;
}

/** Runs of consecutive integers in ascending values. */
function runs(values: readonly number[]): number[][] {
  const out: number[][] = [];
  for (const v of values) {
    const cur = out[out.length - 1];
    if (cur && v === (cur[cur.length - 1] as number) + 1) cur.push(v);
    else out.push([v]);
  }
  return out;
}

function cut(values: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  let at = 0;
  for (const n of chunkSizes(values.length, size)) {
    out.push(values.slice(at, at + n));
    at += n;
  }
  return out;
}

/** The parameter's values, ascending and each once, as chunks of at most `size`. */
export function chunkValues(
  values: readonly number[],
  size: number,
  constraint: Constraint,
): number[][] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (constraint === 'NONCONTIGUOUS') return cut(sorted, size);
  return runs(sorted).flatMap((run) => cut(run, size));
}

/** Ascending values as a range expression, steps found where three or more values share one. */
function rangeExpression(values: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < values.length) {
    const a = values[i] as number;
    const step = (values[i + 1] ?? a) - a;
    let end = i;
    if (
      i + 2 < values.length &&
      step > 0 &&
      (values[i + 2] as number) - (values[i + 1] as number) === step
    ) {
      end = i + 2;
      while (
        end + 1 < values.length &&
        (values[end + 1] as number) - (values[end] as number) === step
      )
        end++;
    }
    const b = values[end] as number;
    parts.push(end === i ? String(a) : step === 1 ? `${a}-${b}` : `${a}-${b}:${step}`);
    i = end + 1;
  }
  return parts.join(',');
}

/** A chunk's value as its tasks see it (`{{Task.Param.Frame}}`). */
export function chunkText(chunk: readonly number[], constraint: Constraint): string {
  if (constraint === 'CONTIGUOUS' && chunk.length)
    return `${chunk[0] as number}-${chunk[chunk.length - 1] as number}`;
  return rangeExpression(chunk);
}
