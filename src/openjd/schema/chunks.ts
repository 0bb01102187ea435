import { z } from 'zod';
import { hasReferences } from '../format-string.js';
import { INT_STRING, toInt } from '../values.js';
import { formatString } from './strings.js';

/**
 * The `chunks` of a CHUNK[INT] task parameter (TASK_CHUNKING extension, RFC 0001): how many of
 * its values one task runs (`defaultTaskCount`), an optional runtime a scheduler may size chunks
 * towards (`targetRuntimeSeconds`), and whether a chunk must be one run of consecutive integers.
 * The counts may be format strings, resolved at submission (see `chunking.ts`).
 */

export { CHUNK_INT } from '../chunk-type.js';

/** An integer of at least `min`, or a format string that resolves to one at submission. */
function countOrFormatString(min: number, what: string) {
  const error = `must be ${what}: an integer of at least ${min}, or a format string such as "{{Param.ChunkSize}}"`;
  return z.union([z.int().min(min, { error }), formatString({ min: 1 })], { error }).refine(
    (v) => {
      if (typeof v === 'number') return true;
      if (hasReferences(v)) return true;
      const n = INT_STRING.test(v) ? toInt(v) : undefined;
      return n !== undefined && n >= BigInt(min);
    },
    { error },
  );
}

/** `chunks`: the RFC's `<TaskChunksDefinition>`. */
export const ChunkSpec = z.strictObject({
  defaultTaskCount: countOrFormatString(1, 'how many values one chunk takes'),
  targetRuntimeSeconds: countOrFormatString(0, 'the seconds a chunk should run').optional(),
  /** CONTIGUOUS: each chunk one run of consecutive values (`1-5`); NONCONTIGUOUS: any (`1-3,7`). */
  rangeConstraint: z.enum(['CONTIGUOUS', 'NONCONTIGUOUS']),
});
/** A validated `chunks`. */
export type ChunkSpec = z.infer<typeof ChunkSpec>;
