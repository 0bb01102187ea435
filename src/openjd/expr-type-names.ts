import { formatPath, type Problem } from './problem.js';

/**
 * With EXPR, parameter type names are case-insensitive (Template Schemas §2 as the extension
 * amends it): `int`, `Path` and `sTrInG` are INT, PATH and STRING. The document is given to the
 * schema with each job and task parameter's `type` upper-cased; without EXPR it is left as is.
 */

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => v !== null && typeof v === 'object' && !Array.isArray(v);

function upperTypes(list: unknown): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((p: unknown) =>
    isObject(p) && typeof p.type === 'string' ? { ...p, type: p.type.toUpperCase() } : p,
  );
}

/** The job template document with its parameters' type names upper-cased. */
export function withUpperTypeNames(doc: Raw): Raw {
  const out: Raw = { ...doc };
  if (doc.parameterDefinitions !== undefined)
    out.parameterDefinitions = upperTypes(doc.parameterDefinitions);
  if (Array.isArray(doc.steps))
    out.steps = doc.steps.map((s: unknown) => {
      if (!isObject(s) || !isObject(s.parameterSpace)) return s;
      const space = s.parameterSpace;
      return {
        ...s,
        parameterSpace: {
          ...space,
          ...(space.taskParameterDefinitions !== undefined
            ? { taskParameterDefinitions: upperTypes(space.taskParameterDefinitions) }
            : {}),
        },
      };
    });
  return out;
}

/** Job parameter types only the EXPR extension defines (RFC 0007). */
const EXPR_ONLY_TYPES = [
  'BOOL',
  'RANGE_EXPR',
  'LIST[STRING]',
  'LIST[PATH]',
  'LIST[INT]',
  'LIST[FLOAT]',
  'LIST[BOOL]',
  'LIST[LIST[INT]]',
];

/**
 * Without EXPR, a job parameter of a type only EXPR defines is refused with what to change
 * (`parameterDefinitions` of a job or environment template, as written).
 */
export function checkExprOnlyTypes(list: unknown, problems: Problem[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((p: unknown, i) => {
    const type = isObject(p) && typeof p.type === 'string' ? p.type.toUpperCase() : undefined;
    if (type !== undefined && EXPR_ONLY_TYPES.includes(type))
      problems.push({
        path: formatPath(['parameterDefinitions', i, 'type']),
        message: `${type} parameters need the EXPR extension: list EXPR in extensions, or use a STRING parameter`,
      });
  });
}

/**
 * Without EXPR, a FLOAT, STRING or PATH task parameter's range is a list: the string form (one
 * `{{ }}` that gives a list, RFC 0007) is refused with what to change (`steps` as written).
 */
export function checkListRangesNeedExpr(steps: unknown, problems: Problem[]): void {
  if (!Array.isArray(steps)) return;
  steps.forEach((s: unknown, i) => {
    const space = isObject(s) && isObject(s.parameterSpace) ? s.parameterSpace : undefined;
    const defs = space?.taskParameterDefinitions;
    if (!Array.isArray(defs)) return;
    defs.forEach((p: unknown, k) => {
      if (!isObject(p) || typeof p.range !== 'string') return;
      if (['FLOAT', 'STRING', 'PATH'].includes(String(p.type)))
        problems.push({
          path: formatPath(['steps', i, 'parameterSpace', 'taskParameterDefinitions', k, 'range']),
          message: `must be a list of values for a ${String(p.type)} parameter: a string range that gives a list needs the EXPR extension`,
        });
    });
  });
}
