import path from 'node:path';
import type { Problem } from './problem.js';
import type { JobParameterDefinition, ParameterType } from './schema/parameters.js';
import type { JobTemplate } from './schema/template.js';
import { checkListValue } from './list-parameter.js';
import { checkValue, show } from './parameter-value.js';

/** A job parameter's value: its type and the text format strings see (`{{Param.X}}`). */
export interface JobParameterValue {
  type: ParameterType;
  value: string;
}

/** Every job parameter of a template with its resolved value, by name. */
export type JobParameterValues = Record<string, JobParameterValue>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses `-p Name=Value` arguments (the value may hold further `=`). Problems name the argument. */
export function parseParameterArgs(args: readonly string[]): {
  values: Record<string, string>;
  errors: Problem[];
} {
  const values: Record<string, string> = {};
  const errors: Problem[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (eq < 0 || !NAME.test(name)) {
      errors.push({
        path: `-p ${arg}`,
        message: 'write -p Name=Value, Name being a job parameter of the template',
      });
      continue;
    }
    if (name in values)
      errors.push({ path: `-p ${arg}`, message: `${name} is given twice: give it once` });
    values[name] = arg.slice(eq + 1);
  }
  return { values, errors };
}

/** Options of `resolveJobParameters`. */
export interface ResolveOptions {
  /**
   * Makes relative PATH values absolute against this directory (a job bundle's, or the job
   * template's). A PATH default is then held to the rules of §2.2: relative, inside this
   * directory once joined, and within its constraints after the join.
   */
  relativePathsFrom?: string;
  /** Per parameter, the directory its given value is relative to instead (`-p`: where it was typed). */
  givenPathsFrom?: Readonly<Record<string, string>>;
  /** Per parameter, the directory of the template whose default it has (an environment template's). */
  defaultPathsFrom?: Readonly<Record<string, string>>;
  /**
   * Leaves a parameter with no value and no default out of `values` and names it in `unset`
   * instead of calling it an error: `openjd check` validates a template alone.
   */
  allowUnset?: boolean;
}

/**
 * Resolves the template's job parameters from `given` (names to values, from `-p` and a
 * parameter_values file, already merged) and the defaults; checks each value's type and
 * constraints. Problems name the parameter.
 */
export function resolveJobParameters(
  template: JobTemplate,
  given: Readonly<Record<string, unknown>>,
  opts: ResolveOptions = {},
): { values: JobParameterValues; errors: Problem[]; unset: string[] } {
  const defs = template.parameterDefinitions ?? [];
  const values: JobParameterValues = {};
  const errors: Problem[] = [];
  const unset: string[] = [];
  for (const name of Object.keys(given)) {
    if (!defs.some((d) => d.name === name))
      errors.push({
        path: name,
        message: `is not a parameter of this template${defs.length ? ` (it has ${defs.map((d) => d.name).join(', ')})` : ' (it has none)'}`,
      });
  }
  for (const def of defs) {
    const given_ = Object.hasOwn(given, def.name);
    const raw = given_ ? given[def.name] : def.default;
    if (raw === undefined || raw === null) {
      if (opts.allowUnset) {
        unset.push(def.name);
        continue;
      }
      errors.push({
        path: def.name,
        message: `needs a value: give -p ${def.name}=VALUE (it has no default)`,
      });
      continue;
    }
    if (def.type === 'LIST[PATH]') {
      const r = listPathValue(def, raw, given_, opts);
      if ('error' in r) errors.push({ path: def.name, message: r.error });
      else values[def.name] = { type: def.type, value: r.value };
      continue;
    }
    if (def.type === 'PATH' && !given_ && typeof raw === 'string') {
      const dir = opts.defaultPathsFrom?.[def.name] ?? opts.relativePathsFrom;
      if (dir !== undefined) {
        const r = joinedDefault(def, raw, dir);
        if ('error' in r) errors.push({ path: def.name, message: r.error });
        else values[def.name] = { type: 'PATH', value: r.value };
        continue;
      }
    }
    const r = checkValue(def, raw);
    if ('error' in r) {
      errors.push({ path: def.name, message: r.error });
      continue;
    }
    let value = r.value;
    // a given value's constraints are checked as given (§2.2), then it is joined and normalized
    const base = opts.givenPathsFrom?.[def.name] ?? opts.relativePathsFrom;
    if (def.type === 'PATH' && base && value !== '' && !absoluteOnSomeHost(value))
      value = path.resolve(base, value);
    values[def.name] = { type: def.type, value };
  }
  return { values, errors, unset };
}

/**
 * Whether a PATH value is absolute here or on a Windows host (`Z:\\proj`, `\\\\server\\share`):
 * such a value is never joined with a directory (path-mapping rules may map it on the nodes).
 */
function absoluteOnSomeHost(value: string): boolean {
  return path.isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\');
}

/**
 * A PATH default at job creation (2023-09 Template Schemas §2.2): it must be relative and, joined
 * with the template's directory and normalized, stay inside it; its constraints are checked on
 * the joined path.
 */
function joinedDefault(
  def: JobParameterDefinition,
  raw: string,
  dir: string,
): { value: string } | { error: string } {
  if (raw === '') return checkValue(def, raw);
  if (absoluteOnSomeHost(raw))
    return {
      error: `its default ${show(raw)} is absolute: a PATH default must be relative to the template's directory (give an absolute path with -p instead)`,
    };
  const value = path.resolve(dir, raw);
  const rel = path.relative(path.resolve(dir), value);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
    return {
      error: `its default ${show(raw)} leads out of the template's directory ${dir}: a PATH default must stay inside it`,
    };
  const r = checkValue(def, value);
  return 'error' in r ? { error: `its default joined with ${dir}: ${r.error}` } : r;
}

/**
 * A LIST[PATH] value (EXPR, RFC 0007): each item as a PATH value is. A default's items are held to
 * the PATH default rules (relative, inside the template's directory once joined, constraints on
 * the joined path); a given value's items are checked as given, then joined with its directory.
 */
function listPathValue(
  def: Extract<JobParameterDefinition, { type: 'LIST[PATH]' }>,
  raw: unknown,
  given: boolean,
  opts: ResolveOptions,
): { value: string } | { error: string } {
  const dir = given
    ? (opts.givenPathsFrom?.[def.name] ?? opts.relativePathsFrom)
    : (opts.defaultPathsFrom?.[def.name] ?? opts.relativePathsFrom);
  if (dir === undefined) return checkListValue(def, raw, checkValue);
  return checkListValue(def, raw, (item: JobParameterDefinition, x) => {
    if (!given && typeof x === 'string') return joinedDefault(item, x, dir);
    const r = checkValue(item, x);
    if ('error' in r || r.value === '' || path.isAbsolute(r.value)) return r;
    return { value: path.resolve(dir, r.value) };
  });
}
