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
