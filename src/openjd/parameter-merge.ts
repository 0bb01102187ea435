import { checkParameterDefinition } from './parameter-rules.js';
import type { Problem } from './problem.js';
import type { JobParameterDefinition } from './schema/parameters.js';
import { allowedOf, loosened } from './parameter-narrowing.js';
import { toFloat, toInt } from './values.js';

/**
 * Merging the parameter definitions of environment templates and a job template (2023-09
 * Template Schemas §1.2.1): the templates are taken in order, environment templates first
 * (outermost first) and the job template last. Definitions of one name must agree in type (and,
 * for PATH, in objectType and dataFlow where both say); each later one may only narrow a
 * constraint, never loosen it, and the constraints intersect; the last
 * default given wins; and the merged definition must hold together (its default inside the
 * merged constraints), else the job is refused.
 */

/** One template's definitions: where they come from (for messages) and its directory. */
export interface ParameterSource {
  where: string;
  defs: readonly JobParameterDefinition[];
  /** The template's directory: a relative PATH default is joined with it. */
  dir?: string;
}

/** The merged definitions, and for each PATH default the directory of the template that gave it. */
export interface MergedParameters {
  defs: JobParameterDefinition[];
  defaultDirs: Record<string, string>;
  errors: Problem[];
}

type Num = number | bigint;

function pickBound(
  type: 'INT' | 'FLOAT',
  a: unknown,
  b: unknown,
  larger: boolean,
): JobParameterDefinition['default'] {
  if (a === undefined) return b as JobParameterDefinition['default'];
  if (b === undefined) return a as JobParameterDefinition['default'];
  const num = (v: unknown): Num | undefined => (type === 'INT' ? toInt(v) : toFloat(v));
  const x = num(a) as Num;
  const y = num(b) as Num;
  return (larger ? (y > x ? b : a) : y < x ? b : a) as JobParameterDefinition['default'];
}

function mergeTwo(a: JobParameterDefinition, b: JobParameterDefinition): JobParameterDefinition {
  const out = { ...a, ...b } as Record<string, unknown>;
  // the last template that says wins for what is not a constraint
  for (const k of ['default', 'description', 'userInterface'] as const)
    out[k] = (b as Record<string, unknown>)[k] ?? (a as Record<string, unknown>)[k];
  for (const k of ['objectType', 'dataFlow'] as const)
    out[k] = (b as Record<string, unknown>)[k] ?? (a as Record<string, unknown>)[k];
  if (a.type === 'INT' || a.type === 'FLOAT') {
    const bb = b as typeof a;
    const num = (v: unknown): Num | undefined => (a.type === 'INT' ? toInt(v) : toFloat(v));
    out.minValue = pickBound(a.type, a.minValue, bb.minValue, true);
    out.maxValue = pickBound(a.type, a.maxValue, bb.maxValue, false);
    if (a.allowedValues && bb.allowedValues) {
      const later = bb.allowedValues.map(num);
      out.allowedValues = a.allowedValues.filter((v) => later.includes(num(v)));
    } else out.allowedValues = a.allowedValues ?? bb.allowedValues;
  } else if (a.type !== 'BOOL') {
    // lengths (a list's: its item count); a list's `item` is the last one given
    const bb = b as typeof a;
    const most = (x?: number, y?: number) =>
      x === undefined ? y : y === undefined ? x : Math.max(x, y);
    const least = (x?: number, y?: number) =>
      x === undefined ? y : y === undefined ? x : Math.min(x, y);
    out.minLength = most(a.minLength, bb.minLength);
    out.maxLength = least(a.maxLength, bb.maxLength);
    const [x, y] = [allowedOf(a), allowedOf(bb)];
    out.allowedValues = x && y ? x.filter((v) => y.includes(v)) : (x ?? y);
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as JobParameterDefinition;
}

/** Why two definitions of one name cannot merge, or undefined when they can. */
function conflict(a: JobParameterDefinition, b: JobParameterDefinition): string | undefined {
  if (a.type !== b.type) return `is ${a.type} there and ${b.type} here: the types must agree`;
  if (a.type === 'PATH' && b.type === 'PATH')
    for (const k of ['objectType', 'dataFlow'] as const)
      if (a[k] !== undefined && b[k] !== undefined && a[k] !== b[k])
        return `has ${k} ${a[k]} there and ${b[k]} here: they must agree`;
  return undefined;
}

/** Merges the definitions of `sources`, in order (the job template last). */
export function mergeParameterDefinitions(sources: readonly ParameterSource[]): MergedParameters {
  const merged = new Map<string, { def: JobParameterDefinition; from: string[] }>();
  const defaultDirs: Record<string, string> = {};
  const errors: Problem[] = [];
  for (const src of sources)
    for (const def of src.defs) {
      const had = merged.get(def.name);
      if (def.default !== undefined) {
        if (src.dir) defaultDirs[def.name] = src.dir;
        else delete defaultDirs[def.name];
      }
      if (!had) {
        merged.set(def.name, { def, from: [src.where] });
        continue;
      }
      const why = conflict(had.def, def) ?? loosened(had.def, def);
      if (why) {
        errors.push({
          path: `${src.where}: parameter ${def.name}`,
          message: `${why} (it is also defined in ${had.from.join(', ')})`,
        });
        continue;
      }
      merged.set(def.name, { def: mergeTwo(had.def, def), from: [...had.from, src.where] });
    }
  for (const { def, from } of merged.values()) {
    if (from.length < 2) continue;
    const where = `parameter ${def.name} (merged from ${from.join(', ')})`;
    if ('allowedValues' in def && def.allowedValues?.length === 0) {
      errors.push({
        path: where,
        message: 'no value is in the allowedValues of every template: make the lists share one',
      });
      continue;
    }
    const found: Problem[] = [];
    checkParameterDefinition(def, 0, found);
    for (const p of found)
      errors.push({
        path: where,
        message: `${p.path.replace(/^parameterDefinitions\[0\]\.?/, '') || 'definition'} ${p.message}`,
      });
  }
  return { defs: [...merged.values()].map((m) => m.def), defaultDirs, errors };
}
