import { z } from 'zod';
import { FLOAT_STRING, INT_STRING, INT64_RANGE, toInt } from '../values.js';
import { description, filterPattern, identifier, plainString } from './strings.js';

/** The pieces the job parameter definitions share (parameters.ts, list-parameters.ts). */

/**
 * An integer, or a string holding one in base 10 (`<intstring>`), within int64. Booleans are
 * refused. One beyond a JavaScript number's exact range (a BigInt from the reader) is kept as its
 * intstring, so the validated template stays plain JSON.
 */
export const intValue = z
  .union([z.int(), z.bigint().transform(String), z.string().regex(INT_STRING)], {
    error: 'must be an integer, or a string holding one (such as "12")',
  })
  .refine((v) => toInt(v) !== undefined, { error: `must be ${INT64_RANGE}` });

/** A number, or a string holding one in base 10 (`<floatstring>`). */
export const floatValue = z.union([z.number(), z.string().regex(FLOAT_STRING)], {
  error: 'must be a number, or a string holding one (such as "0.5")',
});

const uiLabel = plainString(64);

export const uiCommon = { label: uiLabel.optional(), groupLabel: uiLabel.optional() };

export const fileFilter = z.strictObject({
  label: uiLabel,
  patterns: z.array(filterPattern).min(1).max(20, { error: 'must have at most 20 patterns' }),
});

export const common = { name: identifier, description: description.optional() };
