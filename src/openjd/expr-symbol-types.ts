import type { SymbolTypes } from './expr-infer.js';
import { ANY, BOOL, PATH, RANGE, STRING, listOf, parseType, type ExprType } from './expr-types.js';

/**
 * The static types of the values a template's expressions reference (RFC 0005 symbols, Template
 * Schemas §2 parameter types): a job parameter's by its declared type (its RawParam the same,
 * but a path's is its text: a string), names as strings, Session and embedded files as paths. A value this does not know (a task parameter
 * without its type, a binding not typed by its place) is `any`: it is never a type error.
 */

/** The expression type of a parameter type name (`INT`, `list[path]`, `RANGE_EXPR`). */
export function parameterType(name: string): ExprType {
  const text = name.toLowerCase().replace(/\s+/g, '');
  if (text === 'chunk[int]') return RANGE; // a chunk of frames is a range expression
  try {
    return parseType(text);
  } catch {
    return ANY; // a type the expression language has no name for
  }
}

/** A RawParam's type: the parameter's, with a path as the string it was given as. */
function rawType(x: ExprType): ExprType {
  if (x.t === 'path') return STRING;
  return x.t === 'list' ? listOf(rawType(x.of)) : x;
}

/** What the place of an expression says of its values' types. */
export interface TypeScope {
  params: readonly { name: string; type: string }[];
  /** task parameters of the step by name, with their declared types */
  taskParams?: readonly { name: string; type: string }[];
  /** `let` bindings in scope with the types of their values */
  bound?: ReadonlyMap<string, ExprType>;
}

const FIXED: Readonly<Record<string, ExprType>> = {
  'Session.WorkingDirectory': PATH,
  'Session.PathMappingRulesFile': PATH,
  'Session.HasPathMappingRules': BOOL,
  'Job.Name': STRING,
  'Step.Name': STRING,
};

/** The types of `scope`'s values, by dotted name; undefined for a name that is no value. */
export function symbolTypes(scope: TypeScope): SymbolTypes {
  const table = new Map<string, ExprType>(Object.entries(FIXED));
  for (const p of scope.params) {
    table.set(`Param.${p.name}`, parameterType(p.type));
    table.set(`RawParam.${p.name}`, rawType(parameterType(p.type)));
  }
  for (const p of scope.taskParams ?? []) {
    table.set(`Task.Param.${p.name}`, parameterType(p.type));
    table.set(`Task.RawParam.${p.name}`, rawType(parameterType(p.type)));
  }
  for (const [name, x] of scope.bound ?? []) table.set(name, x);
  return (name) => {
    const found = table.get(name);
    if (found) return found;
    return /^(Task|Env)\.File\.[^.]+$/.test(name) ? PATH : undefined;
  };
}
