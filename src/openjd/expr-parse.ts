import { tokenize, type Tok } from './expr-lex.js';
import type { Node } from './expr-ast.js';
import { PYTHON_KEYWORDS, REFUSED, REFUSED_AFTER, REFUSED_WORDS } from './expr-refused.js';
import { ExprSyntaxError } from './expr-syntax-error.js';

/**
 * The grammar of EXPR expressions (RFC 0005; tokens in expr-lex.ts): `a if c else b`, `or`,
 * `and`, `not`, chained comparisons (`in`, `not in` too), `+ - * / // % **` with Python's
 * precedence, indexing and `[lo:hi:step]` slices, calls `f(x)`, methods `x.f()`, properties
 * `x.p`, lists and comprehensions `[e for x in xs if c]` (one `for`, as the RFC allows).
 * Keywords are contextual: after `.` any name is an attribute (`Param.if`). Python forms EXPR
 * lacks are refused by name (expr-refused.ts).
 */

export { ExprSyntaxError };
export type { Node } from './expr-ast.js';

/** A comprehension's variable, like a `let` name (RFC 0005 `<UserIdentifier>`). */
const LOOP_VARIABLE = /^[a-z_][A-Za-z0-9_]*$/;

/** Parses one expression (the text between `{{` and `}}`). Throws ExprSyntaxError. */
export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const word = (t: Tok | undefined, v: string) =>
    t !== undefined && (t.t === 'op' || t.t === 'name') && t.v === v;
  const peek = (v: string) => word(toks[i], v);
  const eat = (v: string) => (peek(v) ? toks[i++] : null);
  const need = (v: string, what: string) => {
    if (!eat(v)) {
      const t = toks[i];
      throw new ExprSyntaxError(`expected "${v}" ${what}${t ? `, found "${t.text}"` : ''}`);
    }
  };

  const ifExp = (): Node => {
    const then = orExp();
    if (!eat('if')) return then;
    const test = orExp();
    need('else', 'in "a if condition else b"');
    return { k: 'if', test, then, else: ifExp() };
  };
  const logic = (op: 'and' | 'or', next: () => Node) => (): Node => {
    let l = next();
    while (eat(op)) l = { k: 'bool', op, l, r: next() };
    return l;
  };
  const andExp = (): Node => logic('and', notExp)();
  const orExp = (): Node => logic('or', andExp)();
  const notExp = (): Node => (eat('not') ? { k: 'unary', op: 'not', x: notExp() } : compare());
  const CMP = ['==', '!=', '<', '<=', '>', '>=', 'in'];
  const compare = (): Node => {
    const xs = [additive()];
    const ops: string[] = [];
    for (;;) {
      const t = toks[i];
      if (t && t.t !== 'str' && CMP.includes(t.v as string)) ops.push(toks[i++]!.v as string);
      else if (peek('not') && word(toks[i + 1], 'in')) {
        i += 2;
        ops.push('not in');
      } else if (peek('is')) throw new ExprSyntaxError(REFUSED_WORDS.is);
      else break;
      xs.push(additive());
    }
    return ops.length ? { k: 'cmp', ops, xs } : (xs[0] as Node);
  };
  const binary = (ops: string[], next: () => Node) => (): Node => {
    let l = next();
    for (let t = toks[i]; t && t.t === 'op' && ops.includes(t.v); t = toks[i]) {
      i++;
      l = { k: 'bin', op: t.v, l, r: next() };
    }
    return l;
  };
  const unary = (): Node => {
    const t = toks[i];
    if (t && t.t === 'op' && (t.v === '-' || t.v === '+')) {
      i++;
      return { k: 'unary', op: t.v, x: unary() };
    }
    const base = postfix();
    return eat('**') ? { k: 'bin', op: '**', l: base, r: unary() } : base;
  };
  const multiplicative = binary(['*', '/', '//', '%'], unary);
  const additive = binary(['+', '-'], multiplicative);

  const args = (): Node[] => {
    const out: Node[] = [];
    while (!eat(')')) {
      if (out.length) need(',', 'between arguments');
      if (peek(')')) continue;
      if (peek('*') || peek('**')) throw new ExprSyntaxError(REFUSED.unpackArg(toks[i]!.text));
      if (toks[i]?.t === 'name' && word(toks[i + 1], '='))
        throw new ExprSyntaxError(REFUSED.keywordArg(toks[i]!.text));
      out.push(ifExp());
      if (peek('for')) throw new ExprSyntaxError(REFUSED.generator);
    }
    return out;
  };
  const subscript = (obj: Node): Node => {
    const part = () => (peek(':') || peek(']') ? null : ifExp());
    const lo = part();
    if (!eat(':')) {
      if (peek(',')) throw new ExprSyntaxError(REFUSED.tuple);
      need(']', 'to close the index');
      if (!lo) throw new ExprSyntaxError('"[]" needs an index');
      return { k: 'index', obj, index: lo };
    }
    const hi = part();
    const step = eat(':') ? part() : null;
    need(']', 'to close the slice');
    return { k: 'slice', obj, lo, hi, step };
  };
  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      if (eat('.')) {
        const name = toks[i++];
        // contextual keywords: after "." every name is an attribute
        if (name?.t !== 'name') throw new ExprSyntaxError('expected a name after "."');
        if (eat('(')) n = { k: 'call', fn: name.v, args: args(), self: n };
        else if (n.k === 'name') n = { k: 'name', path: [...n.path, name.v] };
        else n = { k: 'attr', obj: n, name: name.v };
      } else if (eat('(')) {
        if (n.k !== 'name' || n.path.length !== 1)
          throw new ExprSyntaxError('only named functions can be called');
        n = { k: 'call', fn: n.path[0] as string, args: args() };
      } else if (eat('[')) n = subscript(n);
      else return n;
    }
  };
  const comprehension = (elt: Node): Node => {
    const v = toks[i++];
    if (v?.t !== 'name' || !LOOP_VARIABLE.test(v.v))
      throw new ExprSyntaxError(
        `a comprehension variable must be a name starting with a lowercase letter or _${v ? `, not "${v.text}"` : ''}`,
      );
    if (peek(',')) throw new ExprSyntaxError(REFUSED.unpackLoop);
    need('in', `after "for ${v.v}"`);
    const iter = orExp();
    const ifs: Node[] = [];
    while (eat('if')) ifs.push(orExp());
    if (peek('for') || peek('async')) throw new ExprSyntaxError(REFUSED.secondFor);
    need(']', 'to close the list comprehension');
    return { k: 'comp', elt, v: v.v, iter, ifs };
  };
  const list = (): Node => {
    const items: Node[] = [];
    while (!eat(']')) {
      if (items.length) need(',', 'between list items');
      if (peek(']')) continue;
      if (peek('*')) throw new ExprSyntaxError(REFUSED.unpackArg('*'));
      items.push(ifExp());
      if (items.length === 1 && eat('for')) return comprehension(items[0] as Node);
      if (peek('for')) throw new ExprSyntaxError(REFUSED.generator);
    }
    return { k: 'list', items };
  };
  const primary = (): Node => {
    const t = toks[i++];
    if (!t) throw new ExprSyntaxError('the expression ends too soon');
    if (t.t === 'int') return { k: 'lit', v: t.v };
    if (t.t === 'float') return { k: 'lit', v: { float: t.v, text: t.text } };
    if (t.t === 'str') {
      let v = t.v;
      // adjacent string literals join, as in Python
      while (toks[i]?.t === 'str') v += toks[i++]!.v as string;
      return { k: 'lit', v };
    }
    if (t.t === 'name') {
      if (t.v === 'true' || t.v === 'True') return { k: 'lit', v: true };
      if (t.v === 'false' || t.v === 'False') return { k: 'lit', v: false };
      if (t.v === 'null' || t.v === 'None') return { k: 'lit', v: null };
      const no = REFUSED_WORDS[t.v];
      if (no) throw new ExprSyntaxError(no);
      if (PYTHON_KEYWORDS.has(t.v))
        throw new ExprSyntaxError(`"${t.v}" is a keyword here, not a value`);
      return { k: 'name', path: [t.v] };
    }
    if (t.v === '(') {
      if (eat(')')) throw new ExprSyntaxError('"()" is an empty tuple: tuples are not supported');
      const e = ifExp();
      if (peek('for')) throw new ExprSyntaxError(REFUSED.generator);
      if (peek(',')) throw new ExprSyntaxError(REFUSED.tuple);
      need(')', 'to close "("');
      return e;
    }
    if (t.v === '[') return list();
    if (t.v === '=') throw new ExprSyntaxError(REFUSED.assignment);
    throw new ExprSyntaxError(`"${t.text}" cannot start a value`);
  };

  if (toks.length === 0) throw new ExprSyntaxError('the expression is empty');
  const e = ifExp();
  if (i < toks.length) {
    const t = toks[i] as Tok;
    throw new ExprSyntaxError(
      REFUSED_AFTER[t.text] ?? `unexpected "${t.text}" after a complete expression`,
    );
  }
  return e;
}
