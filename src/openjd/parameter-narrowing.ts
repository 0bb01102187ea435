import type { JobParameterDefinition } from './schema/parameters.js';
import { toFloat, toInt } from './values.js';

/**
 * The narrowing rule of merging parameter definitions (2023-09 Template Schemas §1.2.1, see
 * parameter-merge.ts): a later definition of a name may only narrow the constraints of the
 * earlier ones.
 */

type Num = number | bigint;

/** allowedValues, where the type has them. */
export const allowedOf = (d: JobParameterDefinition): readonly (string | number)[] | undefined =>
  'allowedValues' in d ? d.allowedValues : undefined;

const BOUNDS = {
  number: [
    ['minValue', 1],
    ['maxValue', -1],
  ],
  length: [
    ['minLength', 1],
    ['maxLength', -1],
  ],
} as const;

/**
 * What `b` loosens of the constraints merged so far in `a`: each may only narrow (§1.2.1). With
 * allowedValues in either, the values admitted are what counts: a looser bound beside a list
 * that stays inside the earlier values admits nothing more.
 */
export function loosened(a: JobParameterDefinition, b: JobParameterDefinition): string | undefined {
  // a BOOL has no constraint to loosen
  if (a.type === 'BOOL' || b.type === 'BOOL') return undefined;
  const numeric = a.type === 'INT' || a.type === 'FLOAT';
  const num = (v: unknown): Num | undefined =>
    a.type === 'INT' ? toInt(v) : a.type === 'FLOAT' ? toFloat(v) : undefined;
  const bound = (d: JobParameterDefinition, k: string) => {
    const v = (d as Record<string, unknown>)[k];
    return numeric ? num(v) : (v as number | undefined);
  };
  const bounds = numeric ? BOUNDS.number : BOUNDS.length;
  const measure = (v: unknown) => (numeric ? num(v) : String(v).length);
  const within = (d: JobParameterDefinition, v: unknown) =>
    bounds.every(([k, up]) => {
      const lim = bound(d, k);
      const m = measure(v);
      return lim === undefined || m === undefined || (up > 0 ? m >= lim : m <= lim);
    });
  const narrowOnly = 'a later definition may only narrow a constraint';
  if (!allowedOf(a) && !allowedOf(b))
    for (const [k, up] of bounds) {
      const x = bound(a, k);
      const y = bound(b, k);
      if (x !== undefined && y !== undefined && (up > 0 ? y < x : y > x))
        return `has ${k} ${String(y)}, looser than ${String(x)} there: ${narrowOnly}`;
    }
  const key = (v: unknown) => String(num(v) ?? v);
  const earlier = allowedOf(a) && new Set(allowedOf(a)?.map(key));
  const extra = (allowedOf(b) ?? []).find(
    (v) => within(b, v) && (!within(a, v) || (earlier !== undefined && !earlier.has(key(v)))),
  );
  if (extra !== undefined)
    return `allows ${String(extra)}, which the definition there does not: ${narrowOnly}`;
  return undefined;
}
