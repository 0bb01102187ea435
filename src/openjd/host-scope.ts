import path from 'node:path';
import type { ExprLookup, ScopeValue } from './expr-eval.js';
import { withLineEndings } from './feature-bundle.js';
import { resolveArgument, resolveFormatString } from './format-string.js';
import type { JobParameterValues } from './job-parameters.js';
import { OpenjdInstantiationError, formatPath, type PathSegment } from './problem.js';
import type { Action, EmbeddedFile } from './schema/script.js';
import { numberOf } from './values.js';
import { rawListType } from './list-parameter.js';
import { mapPath, RULES_REFERENCE, rulesFileText, type PathMappingRule } from './path-mapping.js';

/**
 * What host-side format strings resolve against (2023-09 Template Schemas §7.3.1), and the
 * pieces tasks and environments share: actions as argv, embedded files to write.
 */

/** A file to write into the session directory before an action runs (0600, or 0700 if runnable). */
export interface FileToWrite {
  path: string;
  content: string;
  runnable: boolean;
}

/** How to cancel an action (§5.3); TERMINATE when the template gives none. */
export type Cancelation =
  { mode: 'TERMINATE' } | { mode: 'NOTIFY_THEN_TERMINATE'; notifyPeriodSeconds: number };

/** One action, ready to run: `argv[0]` is the command. */
export interface ActionCommand {
  argv: string[];
  /** Seconds the action may run; null for no limit. */
  timeoutSeconds: number | null;
  cancelation: Cancelation;
}

/** The session's path-mapping rules file (§7.3.1; `{}` without rules). */
export function pathMappingFile(
  sessionDir: string,
  rules: readonly PathMappingRule[] = [],
): FileToWrite {
  return {
    path: path.posix.join(sessionDir, 'path-mapping.json'),
    content: rulesFileText(rules),
    runnable: false,
  };
}

/**
 * A parameter's value as `Param.X`/`Task.Param.X` give it: a PATH, or each item of a LIST[PATH]
 * (its text a JSON list), mapped by the session's rules.
 */
export function mappedValue(v: ScopeValue, rules: readonly PathMappingRule[]): ScopeValue {
  if (!rules.length) return v;
  if (v.type === 'PATH') return { ...v, value: mapPath(v.value, rules) };
  if (v.type !== 'LIST[PATH]') return v;
  const items: unknown = JSON.parse(v.value);
  if (!Array.isArray(items)) return v;
  return { ...v, value: JSON.stringify(items.map((x) => mapPath(String(x), rules))) };
}

/** Looks up a value reference (with its parameter type where it has one); undefined when it has no value here. */
export type Lookup = ExprLookup;

/**
 * Values on the host: job parameters (`Param.X` of a PATH mapped by the session's rules,
 * `RawParam.X` as given), Session.*, and `more` (files, task parameters).
 */
export function hostLookup(
  jobParams: JobParameterValues,
  sessionDir: string,
  more: Record<string, string | ScopeValue>,
  rules: readonly PathMappingRule[] = [],
): Lookup {
  return (ref) => {
    if (Object.hasOwn(more, ref)) {
      const v = more[ref];
      // an embedded file's location is a path (EXPR: `Task.File.Run.name`, `Env.File.cfg.parent`)
      return typeof v === 'string' && /^(Task|Env)\.File\./.test(ref)
        ? { type: 'PATH', value: v }
        : v;
    }
    const [scope, name, ...rest] = ref.split('.');
    if (
      (scope === 'Param' || scope === 'RawParam') &&
      name !== undefined &&
      rest.length === 0 &&
      Object.hasOwn(jobParams, name)
    ) {
      const v = jobParams[name] as ScopeValue;
      // RawParam: as given, a LIST[PATH]'s items as strings
      return scope === 'Param' ? mappedValue(v, rules) : { ...v, type: rawListType(v.type) };
    }
    // typed, so expressions compute with them as paths and a bool (EXPR)
    if (ref === 'Session.WorkingDirectory') return { type: 'PATH', value: sessionDir };
    if (ref === 'Session.HasPathMappingRules')
      return { type: 'BOOL', value: rules.length ? 'true' : 'false' };
    if (ref === 'Session.PathMappingRulesFile')
      return { type: 'PATH', value: pathMappingFile(sessionDir).path };
    if (ref === RULES_REFERENCE) return { type: 'STRING', value: JSON.stringify(rules) };
    return undefined;
  };
}

/** Resolves a format string; a missing value is an instantiation error at `at`. */
export function resolveAt(value: string, at: PathSegment[], lookup: Lookup): string {
  const r = resolveFormatString(value, lookup);
  if ('error' in r)
    throw new OpenjdInstantiationError([{ path: formatPath(at), message: r.error }]);
  return r.value;
}

/** An action as argv with its timeout and cancelation (notify period defaulting to `defaultNotify`). */
export function actionCommand(
  a: Action | undefined,
  at: PathSegment[],
  lookup: Lookup,
  defaultNotify: number,
): ActionCommand | null {
  if (!a) return null;
  const argv = [
    resolveAt(a.command, [...at, 'command'], lookup),
    ...(a.args ?? []).flatMap((x, i) => {
      const r = resolveArgument(x, lookup);
      if ('error' in r)
        throw new OpenjdInstantiationError([
          { path: formatPath([...at, 'args', i]), message: r.error },
        ]);
      return r.values;
    }),
  ];
  const c = a.cancelation;
  return {
    argv,
    timeoutSeconds: numberOf(a.timeout) ?? null,
    cancelation:
      c?.mode === 'NOTIFY_THEN_TERMINATE'
        ? {
            mode: 'NOTIFY_THEN_TERMINATE',
            notifyPeriodSeconds: numberOf(c.notifyPeriodInSeconds) ?? defaultNotify,
          }
        : { mode: 'TERMINATE' },
  };
}

/** Paths of embedded files, by reference name, under `<session>/embedded/<owner>/`. */
export function filePaths(
  files: readonly EmbeddedFile[],
  dir: string,
  prefix: 'Task.File' | 'Env.File',
): Record<string, string> {
  return Object.fromEntries(
    files.map((f) => [`${prefix}.${f.name}`, path.posix.join(dir, f.filename ?? f.name)]),
  );
}

/** The embedded files to write, their data resolved. */
export function writeList(
  files: readonly EmbeddedFile[],
  paths: Record<string, string>,
  prefix: string,
  at: PathSegment[],
  lookup: Lookup,
): FileToWrite[] {
  return files.map((f, i) => ({
    path: paths[`${prefix}.${f.name}`] as string,
    content: withLineEndings(resolveAt(f.data, [...at, i, 'data'], lookup), f.endOfLine),
    runnable: f.runnable === true,
  }));
}
