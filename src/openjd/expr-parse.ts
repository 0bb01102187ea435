/**
 * The expression language of the EXPR extension (openjd-specifications RFC 0005), the subset
 * this tool evaluates: a Python-like expression inside `{{ }}` with literals (numbers, quoted
 * strings, true/false/null, lists), dotted value references (`Param.Frames`), arithmetic
 * (`+ - * / // % **`), comparisons (`== != < <= > >= in`, `not in`, chained), `and`/`or`/`not`,
 * `a if cond else b`, indexing and `[a:b]` slices, function calls `f(x)` and the same functions
 * as methods `x.f()` and properties `x.name` (see expr-eval.ts for the functions). Anything else
 * (list comprehensions, lambdas, keyword arguments, `let` bindings) is refused with what it is.
 */

export type Node =
  | { k: 'lit'; v: Literal }
  | { k: 'name'; path: string[] }
  | { k: 'attr'; obj: Node; name: string }
  | { k: 'call'; fn: string; args: Node[]; self?: Node }
  | { k: 'index'; obj: Node; index: Node }
  | { k: 'slice'; obj: Node; lo: Node | null; hi: Node | null }
  | { k: 'unary'; op: '-' | '+' | 'not'; x: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'bool'; op: 'and' | 'or'; l: Node; r: Node }
  | { k: 'cmp'; ops: string[]; xs: Node[] }
  | { k: 'if'; test: Node; then: Node; else: Node }
  | { k: 'list'; items: Node[] };

export type Literal = bigint | string | boolean | null | { float: number; text: string };

/** Why an expression cannot be read. */
export class ExprSyntaxError extends Error {}

const TOKEN =
  /\s*(?:(\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+)|(\d+)|([A-Za-z_][A-Za-z0-9_]*)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(\*\*|\/\/|==|!=|<=|>=|[-+*/%<>()[\],.:])|(\S))/y;

type Tok = { t: 'float' | 'int' | 'name' | 'str' | 'op'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    const m = TOKEN.exec(src);
    if (!m) break;
    if (m[1]) out.push({ t: 'float', v: m[1] });
    else if (m[2]) out.push({ t: 'int', v: m[2] });
    else if (m[3]) out.push({ t: 'name', v: m[3] });
    else if (m[4]) out.push({ t: 'str', v: m[4] });
    else if (m[5]) out.push({ t: 'op', v: m[5] });
    else if (m[6]) {
      throw new ExprSyntaxError(
        m[6] === '{'
          ? 'dict and set literals are not part of the expressions this tool evaluates'
          : `"${m[6]}" is not part of the expressions this tool evaluates`,
      );
    }
  }
  return out;
}

const UNSUPPORTED: Record<string, string> = {
  for: 'list comprehensions',
  lambda: 'lambda expressions',
  is: "'is' (use ==)",
};

function unquote(s: string): string {
  const body = s.slice(1, -1);
  return body.replace(/\\(.)/g, (_m, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c,
  );
}

/** Parses one expression (the text between `{{` and `}}`). Throws ExprSyntaxError. */
export function parseExpression(src: string): Node {
  const toks = tokenize(src);
  let i = 0;
  const peek = (v?: string) => {
    const t = toks[i];
    return t && (v === undefined || ((t.t === 'op' || t.t === 'name') && t.v === v)) ? t : null;
  };
  const eat = (v: string) => (peek(v) ? toks[i++] : null);
  const need = (v: string, what: string) => {
    if (!eat(v)) throw new ExprSyntaxError(`expected "${v}" ${what}`);
  };

  const ifExp = (): Node => {
    const then = orExp();
    if (!eat('if')) return then;
    const test = orExp();
    need('else', 'in "a if condition else b"');
    return { k: 'if', test, then, else: ifExp() };
  };
  const orExp = (): Node => {
    let l = andExp();
    while (eat('or')) l = { k: 'bool', op: 'or', l, r: andExp() };
    return l;
  };
  const andExp = (): Node => {
    let l = notExp();
    while (eat('and')) l = { k: 'bool', op: 'and', l, r: notExp() };
    return l;
  };
  const notExp = (): Node => (eat('not') ? { k: 'unary', op: 'not', x: notExp() } : compare());
  const CMP = ['==', '!=', '<', '<=', '>', '>=', 'in'];
  const compare = (): Node => {
    const xs = [additive()];
    const ops: string[] = [];
    for (;;) {
      const t = peek();
      if (t && CMP.includes(t.v) && t.t !== 'str') ops.push(toks[i++]!.v);
      else if (peek('not') && toks[i + 1]?.v === 'in') {
        i += 2;
        ops.push('not in');
      } else break;
      xs.push(additive());
    }
    return ops.length ? { k: 'cmp', ops, xs } : (xs[0] as Node);
  };
  const binary = (ops: string[], next: () => Node) => (): Node => {
    let l = next();
    for (let t = peek(); t && t.t === 'op' && ops.includes(t.v); t = peek()) {
      i++;
      l = { k: 'bin', op: t.v, l, r: next() };
    }
    return l;
  };
  const unary = (): Node => {
    const t = peek();
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
      out.push(ifExp());
    }
    return out;
  };
  const postfix = (): Node => {
    let n = primary();
    for (;;) {
      if (eat('.')) {
        const name = toks[i++];
        if (name?.t !== 'name') throw new ExprSyntaxError('expected a name after "."');
        if (eat('(')) n = { k: 'call', fn: name.v, args: args(), self: n };
        else if (n.k === 'name') n = { k: 'name', path: [...n.path, name.v] };
        else n = { k: 'attr', obj: n, name: name.v };
      } else if (eat('(')) {
        if (n.k !== 'name' || n.path.length !== 1)
          throw new ExprSyntaxError('only named functions can be called');
        n = { k: 'call', fn: n.path[0] as string, args: args() };
      } else if (eat('[')) {
        const lo = peek(':') ? null : ifExp();
        if (eat(':')) {
          const hi = peek(']') ? null : ifExp();
          if (peek(':')) throw new ExprSyntaxError('slices with a step are not evaluated here');
          n = { k: 'slice', obj: n, lo, hi };
        } else n = { k: 'index', obj: n, index: lo as Node };
        need(']', 'to close the index');
      } else return n;
    }
  };
  const primary = (): Node => {
    const t = toks[i++];
    if (!t) throw new ExprSyntaxError('the expression ends too soon');
    if (t.t === 'int') return { k: 'lit', v: BigInt(t.v) };
    if (t.t === 'float') return { k: 'lit', v: { float: Number(t.v), text: t.v } };
    if (t.t === 'str') return { k: 'lit', v: unquote(t.v) };
    if (t.t === 'name') {
      if (t.v === 'true' || t.v === 'True') return { k: 'lit', v: true };
      if (t.v === 'false' || t.v === 'False') return { k: 'lit', v: false };
      if (t.v === 'null' || t.v === 'None') return { k: 'lit', v: null };
      const no = UNSUPPORTED[t.v];
      if (no)
        throw new ExprSyntaxError(`${no} are not part of the expressions this tool evaluates`);
      return { k: 'name', path: [t.v] };
    }
    if (t.v === '(') {
      const e = ifExp();
      need(')', 'to close "("');
      return e;
    }
    if (t.v === '[') {
      const items: Node[] = [];
      while (!eat(']')) {
        if (items.length) need(',', 'between list items');
        if (peek(']')) continue;
        items.push(ifExp());
        if (peek('for'))
          throw new ExprSyntaxError(
            'list comprehensions are not part of the expressions this tool evaluates',
          );
      }
      return { k: 'list', items };
    }
    throw new ExprSyntaxError(`"${t.v}" cannot start a value`);
  };

  if (toks.length === 0) throw new ExprSyntaxError('the expression is empty');
  const e = ifExp();
  if (i < toks.length) {
    const t = toks[i] as Tok;
    const no = UNSUPPORTED[t.v];
    throw new ExprSyntaxError(
      no
        ? `${no} are not part of the expressions this tool evaluates`
        : `unexpected "${t.v}" after a complete expression`,
    );
  }
  return e;
}
