import { ExprSyntaxError, parseExpression, type Node } from './expr-parse.js';
import { FUNCTIONS, PROPERTIES, type Value } from './expr-functions.js';
import { comprehension } from './expr-comprehension.js';
import { OperationCount } from './expr-limits.js';
import { compare } from './expr-compare.js';
import { arith, describe, ExprError, num, truthy } from './expr-operators.js';
import { indexValue, sliceValue } from './expr-slice.js';
import { floatValue, intValue, makeList, toText } from './expr-value.js';
import { fromScope, type BoundValue, type ScopeValue } from './expr-scope-value.js';
import { applyPathMapping } from './expr-fn-path.js';
import { parsePathMappingRules, RULES_REFERENCE } from './path-mapping.js';

/**
 * Evaluates EXPR expressions (see expr-parse.ts for the language here) against the values of a
 * format string's scope. A job parameter's value has its declared type (expr-scope-value.ts);
 * functions and methods are those of expr-functions.ts.
 */

export type { BoundValue, ScopeValue } from './expr-scope-value.js';

/** Looks a reference up: the longest dotted prefix with a value, the rest read as properties. */
function reference(p: string[], lookup: ExprLookup): Value {
  for (let end = p.length; end > 0; end--) {
    const v = lookup(p.slice(0, end).join('.'));
    if (v === undefined) continue;
    let out = fromScope(v);
    for (const prop of p.slice(end)) out = property(out, prop);
    return out;
  }
  throw new ExprError(`${p.join('.')} has no value here`);
}

function property(v: Value, name: string): Value {
  const f = PROPERTIES[name];
  if (!f) throw new ExprError(`${describe(v)} has no property "${name}"`);
  return f(v);
}

export type ExprLookup = (name: string) => string | ScopeValue | BoundValue | undefined;

/** `apply_path_mapping` with the rules of the session the scope belongs to (none at check). */
function sessionPathMapping(lookup: ExprLookup) {
  const r = lookup(RULES_REFERENCE);
  const rules =
    r && typeof r === 'object' && 'value' in r ? parsePathMappingRules(JSON.parse(r.value)) : null;
  return applyPathMapping(rules && 'rules' in rules ? rules.rules : []);
}

/** What one evaluation reads: the scope, the comprehension variables bound, the operations used. */
interface Context {
  lookup: ExprLookup;
  locals: ReadonlyMap<string, Value>;
  ops: OperationCount;
}

const start = (lookup: ExprLookup): Context => ({
  lookup,
  locals: new Map(),
  ops: new OperationCount(),
});

function call(ctx: Context, fn: string, args: Value[], f: (args: Value[]) => Value): Value {
  const out = f(args);
  ctx.ops.call(fn, args, out);
  return out;
}

function evaluate(n: Node, ctx: Context): Value {
  const ev = (x: Node) => evaluate(x, ctx);
  switch (n.k) {
    case 'lit': {
      const v = n.v;
      if (v === null) return { t: 'null' };
      if (typeof v === 'boolean') return { t: 'bool', v };
      if (typeof v === 'string') return { t: 'string', v };
      if (typeof v === 'bigint') return intValue(v);
      return floatValue(v.float, v.text);
    }
    case 'name': {
      const local = ctx.locals.get(n.path[0] as string);
      if (local === undefined) return reference(n.path, ctx.lookup);
      return n.path.slice(1).reduce((v, p) => call(ctx, p, [v], () => property(v, p)), local);
    }
    case 'attr': {
      const obj = ev(n.obj);
      return call(ctx, n.name, [obj], () => property(obj, n.name));
    }
    case 'call': {
      const f = n.fn === 'apply_path_mapping' ? sessionPathMapping(ctx.lookup) : FUNCTIONS[n.fn];
      if (!f) throw new ExprError(`uses function \`${n.fn}\`, which this tool does not evaluate`);
      const args = [...(n.self ? [ev(n.self)] : []), ...n.args.map(ev)];
      try {
        return call(ctx, n.fn, args, f);
      } catch (e) {
        if (e instanceof ExprError) throw e;
        throw new ExprError(`${n.fn}: ${(e as Error).message}`);
      }
    }
    case 'index': {
      const [obj, i] = [ev(n.obj), ev(n.index)];
      return call(ctx, '[]', [obj, i], () => indexValue(obj, i));
    }
    case 'slice': {
      const part = (b: Node | null): Value => (b ? ev(b) : { t: 'null' });
      const [obj, lo, hi, step] = [ev(n.obj), part(n.lo), part(n.hi), part(n.step)];
      return call(ctx, '[:]', [obj, lo, hi, step], () => sliceValue(obj, lo, hi, step));
    }
    case 'unary': {
      // -9223372036854775808 is in range though its digits alone are not
      if (n.op === '-' && n.x.k === 'lit' && typeof n.x.v === 'bigint') return intValue(-n.x.v);
      const x = ev(n.x);
      if (n.op === 'not') return { t: 'bool', v: !truthy(x) };
      if (!num(x)) throw new ExprError(`${n.op}${describe(x)} is not defined`);
      // unary plus is an operation: a float it makes is written as computed (`+1.5e3` is 1500.0)
      if (n.op === '+') return x.t === 'float' ? floatValue(x.v) : x;
      return call(ctx, n.op, [x], () => (x.t === 'int' ? intValue(-x.v) : floatValue(-x.v)));
    }
    case 'bin': {
      const [l, r] = [ev(n.l), ev(n.r)];
      return call(ctx, n.op, [l, r], () => arith(n.op, l, r));
    }
    case 'bool': {
      // value-returning: only null and false are falsy (RFC 0005 "Boolean operators")
      const l = ev(n.l);
      const falsy = l.t === 'null' || (l.t === 'bool' && !l.v);
      return (n.op === 'and' ? falsy : !falsy) ? l : ev(n.r);
    }
    case 'cmp': {
      let l = ev(n.xs[0] as Node);
      for (const [i, op] of n.ops.entries()) {
        const r = ev(n.xs[i + 1] as Node);
        const yes = call(ctx, op, [l, r], () => ({ t: 'bool', v: compare(op, l, r) }));
        if (yes.t === 'bool' && !yes.v) return yes;
        l = r;
      }
      return { t: 'bool', v: true };
    }
    case 'if': {
      // RFC 0005: a condition is a bool, never a number or string taken as one
      const test = ev(n.test);
      if (test.t !== 'bool')
        throw new ExprError(`the condition of "if" must be a bool, not ${describe(test)}`);
      return test.v ? ev(n.then) : ev(n.else);
    }
    case 'list':
      return makeList(n.items.map(ev));
    case 'comp':
      return comprehension(n, ev(n.iter), ctx.ops, (x, item) =>
        evaluate(x, { ...ctx, locals: new Map([...ctx.locals, [n.v, item]]) }),
      );
  }
}

/**
 * A value as a format string writes it (RFC 0005 §1.3.2): as `string()` would, null as nothing,
 * a list as its JSON-like text (`[1, 2]`, `["a"]`); a list holding null is refused.
 */
export function valueText(v: Value): string {
  if (v.t === 'null') return '';
  if (v.t === 'list' && holdsNull(v))
    throw new ExprError('the result is a list holding null: leave null out of lists');
  return toText(v);
}

function holdsNull(v: Value): boolean {
  return v.t === 'list' && v.v.some((x) => x.t === 'null' || holdsNull(x));
}

/** Evaluates one expression to its value (a `let` binding's), or why it cannot. */
export function evaluateValue(
  src: string,
  lookup: ExprLookup,
): { value: Value } | { error: string } {
  try {
    return { value: evaluate(parseExpression(src), start(lookup)) };
  } catch (e) {
    if (e instanceof ExprError || e instanceof ExprSyntaxError) return { error: e.message };
    throw e;
  }
}

/** Evaluates the text of one `{{ }}` expression to the string it writes, or why it cannot. */
export function evaluateExpression(
  src: string,
  lookup: ExprLookup,
): { value: string } | { error: string } {
  try {
    return { value: valueText(evaluate(parseExpression(src), start(lookup))) };
  } catch (e) {
    if (e instanceof ExprError || e instanceof ExprSyntaxError)
      return { error: `{{ ${src} }}: ${e.message}` };
    throw e;
  }
}
