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

/** Job parameter types only the EXPR extension defines. */
const EXPR_ONLY_TYPES = ['BOOL'];

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
