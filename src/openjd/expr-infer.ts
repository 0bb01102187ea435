import type { Node } from './expr-parse.js';
import { SIGNATURES, type Signature } from './expr-signatures.js';
import {
  ANY,
  BOOL,
  FLOAT,
  INT,
  NULL,
  STRING,
  common,
  isOpen,
  listOf,
  members,
  typeName,
  union,
  type ExprType,
} from './expr-types.js';

/**
 * Static type checking (RFC 0005): the type of an expression's result, found from the types of
 * the values it references without their values, so that `openjd check` and submit refuse a type
 * error in an expression evaluated only on a worker (`Param.Name + 1` with a STRING Name). What
 * the checker does not know (a value without a type, a function or node it has no types for) is
 * `any` and never an error: only an operation that no known signature accepts is refused.
 */

/** Why an expression cannot be typed; the message says what to change. */
export class ExprTypeError extends Error {}

/** The type of a value reference (`Param.Frames`, a `let` name); undefined when it is none. */
export type SymbolTypes = (name: string) => ExprType | undefined;

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
function fits(arg: ExprType, param: ExprType, b: Binds, coerce: boolean, single?: string): boolean {
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
function apply(name: string, args: ExprType[], what: string, method = false): ExprType {
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

const BINARY: Record<string, string> = {
  '+': '__add__',
  '-': '__sub__',
  '*': '__mul__',
  '/': '__truediv__',
  '//': '__floordiv__',
  '%': '__mod__',
  '**': '__pow__',
};

function property(obj: ExprType, name: string): ExprType {
  return SIGNATURES.has(`.${name}`) ? apply(`.${name}`, [obj], `the property .${name}`, true) : ANY;
}

function listType(items: ExprType[]): ExprType {
  let of: ExprType = NULL; // the empty list's items
  for (const x of items) {
    if (x.t === 'null')
      throw new ExprTypeError('a list cannot hold null: leave the item out, or use a value');
    const c = of.t === 'null' ? x : common(of, x);
    if (!c)
      throw new ExprTypeError(
        `the items of a list must have one type, not ${typeName(of)} and ${typeName(x)}: convert them (string(x), float(x))`,
      );
    of = c;
  }
  return listOf(of);
}

/** The type of `n`'s result with `symbols`' value types. Throws ExprTypeError. */
export function inferType(n: Node, symbols: SymbolTypes): ExprType {
  const t = (x: Node) => inferType(x, symbols);
  switch (n.k) {
    case 'lit':
      if (n.v === null) return NULL;
      if (typeof n.v === 'object') return FLOAT;
      return typeof n.v === 'number' ? INT : typeof n.v === 'string' ? STRING : BOOL;
    case 'name': {
      for (let end = n.path.length; end > 0; end--) {
        const found = symbols(n.path.slice(0, end).join('.'));
        if (found) return n.path.slice(end).reduce(property, found);
      }
      return ANY; // not a value this checker knows (an undefined one is reported elsewhere)
    }
    case 'attr':
      return property(t(n.obj), n.name);
    case 'call': {
      const known = ['k', 'fn', 'args', 'self'];
      const args = n.args.map(t);
      // a form this checker does not know (keyword arguments): not checked
      if (Object.keys(n).some((key) => !known.includes(key))) return ANY;
      if (n.self) return apply(n.fn, [t(n.self), ...args], `the method .${n.fn}()`, true);
      return apply(n.fn, args, `${n.fn}()`);
    }
    case 'index':
      return apply('__getitem__', [t(n.obj), t(n.index)], 'indexing with [ ]', true);
    case 'slice': {
      for (const bound of [n.lo, n.hi]) {
        const b = bound ? t(bound) : NULL;
        if (!fits(b, union([INT, NULL]), new Map(), false))
          throw new ExprTypeError(`a slice bound must be an int, not ${typeName(b)}`);
      }
      return apply('__slice__', [t(n.obj)], 'slicing with [a:b]', true);
    }
    case 'unary': {
      const x = t(n.x);
      if (n.op === 'not') return apply('__not__', [x], '`not`');
      return apply(n.op === '-' ? '__neg__' : '__pos__', [x], `unary ${n.op}`);
    }
    case 'bin': {
      const [l, r] = [t(n.l), t(n.r)];
      const op = BINARY[n.op];
      return op ? apply(op, [l, r], `the operator ${n.op}`) : ANY;
    }
    case 'bool': // value-returning: the result is one of the operands
      return union([t(n.l), t(n.r)]);
    case 'cmp': {
      const xs = n.xs.map(t);
      n.ops.forEach((op, i) => {
        const [item, box] = [xs[i] as ExprType, xs[i + 1] as ExprType];
        if ((op === 'in' || op === 'not in') && !isOpen(item) && !isOpen(box))
          apply('__contains__', [box, item], `\`${op}\``, true);
      });
      return BOOL;
    }
    case 'if': {
      const test = t(n.test);
      if (!members(test).some((m) => m.t === 'bool' || m.t === 'any' || m.t === 'noreturn'))
        throw new ExprTypeError(
          `the condition of "a if condition else b" must be a bool, not ${typeName(test)}: compare it (x != 0, x != "") or convert it with bool(x)`,
        );
      return union([t(n.then), t(n.else)]);
    }
    case 'list':
      return listType(n.items.map(t));
    default:
      return ANY; // a node this checker does not know
  }
}
