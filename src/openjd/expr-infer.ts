import type { Node } from './expr-parse.js';
import { ExprTypeError, apply, fits } from './expr-apply.js';
import { SIGNATURES } from './expr-signatures.js';
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

export { ExprTypeError } from './expr-apply.js';

/** The type of a value reference (`Param.Frames`, a `let` name); undefined when it is none. */
export type SymbolTypes = (name: string) => ExprType | undefined;

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
  if (of.t === 'list' && of.of.t === 'list')
    throw new ExprTypeError('lists nest at most two deep (a list of lists of values)');
  return listOf(of);
}

/** A literal's type; an int may be a number or a bigint, a float is an object holding it. */
function literalType(v: unknown): ExprType {
  if (v === null) return NULL;
  if (typeof v === 'number' || typeof v === 'bigint') return INT;
  if (typeof v === 'string') return STRING;
  if (typeof v === 'boolean') return BOOL;
  return typeof v === 'object' && 'float' in v ? FLOAT : ANY;
}

/** The type of `n`'s result with `symbols`' value types. Throws ExprTypeError. */
export function inferType(n: Node, symbols: SymbolTypes): ExprType {
  const t = (x: Node) => inferType(x, symbols);
  switch (n.k) {
    case 'lit':
      return literalType(n.v);
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
