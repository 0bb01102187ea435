import { SIGNATURES, type Signature } from './expr-signatures.js';
import { INT, common, listOf, members, typeName, union, ANY, type ExprType } from './expr-types.js';

/**
 * Applying a signature (expr-signatures.ts) to argument types for the static type check: which
 * signatures take them, with RFC 0005's implicit coercions of arguments, and the result type.
 */

/** Why an expression cannot be typed; the message says what to change. */
export class ExprTypeError extends Error {}

type Binds = Map<string, ExprType>;

/**
 * The scalars each scalar converts to when it is the one scalar an argument may be (RFC 0005
 * implicit coercion; whether the value converts, `"x"` to int, is known only when evaluated).
 */
const SCALAR_FROM: Readonly<Record<string, readonly string[]>> = {
  string: ['bool', 'int', 'float', 'path', 'range_expr'],
  path: ['string'],
  int: ['float', 'string'],
  float: ['int', 'string'],
};
const SCALARS = ['bool', 'int', 'float', 'string', 'path', 'range_expr'];

/**
 * Whether a value of type `arg` may stand where `param` is asked, binding type variables.
 * `coerce`: with the argument coercions; `single`: the one scalar type this argument may be.
 */
export function fits(
  arg: ExprType,
  param: ExprType,
  b: Binds,
  coerce: boolean,
  single?: string,
): boolean {
  if (arg.t === 'any' || arg.t === 'noreturn') return true;
  if (param.t === 'union') return param.of.some((p) => fits(arg, p, b, coerce, single));
  if (arg.t === 'union') return arg.of.some((a) => fits(a, param, b, coerce, single));
  if (param.t === 'var') {
    const had = b.get(param.name);
    const now = had ? common(had, arg) : arg;
    if (now) b.set(param.name, now);
    return now !== undefined;
  }
  if (param.t === 'list') {
    if (arg.t === 'list') return arg.of.t === 'null' || fits(arg.of, param.of, b, coerce);
    return coerce && arg.t === 'range_expr' && fits(INT, param.of, b, coerce);
  }
  if (arg.t === param.t) return true;
  if (!coerce) return false;
  const pair = `${arg.t}>${param.t}`;
  if (['int>float', 'path>string', 'range_expr>string'].includes(pair)) return true;
  return single === param.t && (SCALAR_FROM[param.t] ?? []).includes(arg.t);
}

function subst(x: ExprType, b: Binds): ExprType {
  if (x.t === 'var') return b.get(x.name) ?? ANY;
  if (x.t === 'list') return listOf(subst(x.of, b));
  if (x.t === 'union') return union(x.of.map((m) => subst(m, b)));
  return x;
}

const sigText = (s: Signature) => `(${s.params.map(typeName).join(', ')})`;

/**
 * The result of `name` applied to `args` (`method`: the first is the receiver of `x.name()`,
 * which is never converted). Exact matches first, then with the argument coercions.
 */
export function apply(name: string, args: ExprType[], what: string, method = false): ExprType {
  const sigs = (SIGNATURES.get(name) ?? []).filter((s) => s.params.length === args.length);
  if (sigs.length === 0) return ANY; // not in the table: not checked
  const single = args.map((_, i) => {
    const at = new Set(sigs.flatMap((s) => members(s.params[i] as ExprType).map((p) => p.t)));
    const scalars = SCALARS.filter((x) => at.has(x as ExprType['t']));
    return scalars.length === 1 ? scalars[0] : undefined;
  });
  for (const coerce of [false, true]) {
    const results: ExprType[] = [];
    for (const s of sigs) {
      const b: Binds = new Map();
      const ok = s.params.every((p, i) => {
        const conv = coerce && !(method && i === 0); // a method's receiver is never converted
        return fits(args[i] as ExprType, p, b, conv, single[i]);
      });
      if (ok) results.push(subst(s.result, b));
    }
    if (results.length) return union(results);
  }
  const given = `(${args.map(typeName).join(', ')})`;
  let msg = what.startsWith('the operator')
    ? `${what} cannot take ${given}: convert an operand, for example with string(x), int(x) or float(x)`
    : `${what} does not take ${given}; it takes ${sigs.map(sigText).join(' or ')}`;
  if (method && sigs.some((s) => fitsAll(s, args)))
    msg += `: a method's receiver is not converted, so write ${name}(x, ...) to convert it`;
  throw new ExprTypeError(msg);
}

const fitsAll = (s: Signature, args: ExprType[]) => {
  const b: Binds = new Map();
  return s.params.every((p, i) => fits(args[i] as ExprType, p, b, true));
};
