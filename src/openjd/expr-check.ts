import { HOST_FUNCTIONS } from './expr-fn-path.js';
import { FUNCTIONS, PROPERTIES } from './expr-functions.js';
import { evaluateExpression, evaluateValue } from './expr-eval.js';
import { ExprTypeError, inferType, type SymbolTypes } from './expr-infer.js';
import { ExprSyntaxError, parseExpression, type Node } from './expr-parse.js';
import { formatPath, type Problem } from './problem.js';

/**
 * What `openjd check` and submit say about an EXPR expression before anything runs: whether it
 * parses, whether each value it references is defined where it stands, and whether each function
 * and property it uses is one this tool evaluates. One that references nothing has the same value
 * wherever it runs, so it is evaluated now: a type error in it (`"a" + 1`) is refused here rather
 * than failing a task. Every expression's types are checked too (expr-infer.ts, with `types` of
 * the values it references), so a type error is refused even where the values are known only on
 * a worker. `written`: its value is written into a format string (not a `let` value), so it may
 * not be a list holding null. `host`: it is evaluated on the host (a script, an environment),
 * where host-only functions (`apply_path_mapping`) may be called. Each answer is a sentence to
 * follow the expression in a problem's message; an empty list means it will be evaluated.
 */
export function checkExpression(
  src: string,
  defined: ReadonlySet<string>,
  undefinedHint: (ref: string) => string,
  written = true,
  host = false,
  types: SymbolTypes = () => undefined,
): string[] {
  let tree: Node;
  try {
    tree = parseExpression(src);
  } catch (e) {
    if (e instanceof ExprSyntaxError) return [`cannot be read: ${e.message}`];
    throw e;
  }
  const out: string[] = [];
  let constant = true; // references nothing
  const property = (name: string) => {
    if (!PROPERTIES[name]) out.push(`uses property \`${name}\`, which this tool does not evaluate`);
  };
  const visit = (n: Node, locals: ReadonlySet<string> = new Set()): void => {
    const v = (x: Node) => visit(x, locals);
    switch (n.k) {
      case 'name': {
        if (locals.has(n.path[0] as string)) {
          n.path.slice(1).forEach(property);
          return;
        }
        constant = false;
        let end = n.path.length;
        while (end > 0 && !defined.has(n.path.slice(0, end).join('.'))) end--;
        if (end === 0) {
          const ref = n.path.join('.');
          // the hint is about the value, not the properties read from it
          const value = n.path.slice(0, n.path[0] === 'Task' || n.path[0] === 'Env' ? 3 : 2);
          out.push(`uses ${ref}, which is not defined here: ${undefinedHint(value.join('.'))}`);
        } else n.path.slice(end).forEach(property);
        return;
      }
      case 'attr':
        v(n.obj);
        property(n.name);
        return;
      case 'call':
        if (!FUNCTIONS[n.fn])
          out.push(`uses function \`${n.fn}\`, which this tool does not evaluate`);
        else if (HOST_FUNCTIONS.has(n.fn)) {
          constant = false; // its value depends on the host's path-mapping rules
          if (!host)
            out.push(
              `uses \`${n.fn}\`, which only a host evaluates: call it in a step's script or an environment, not here`,
            );
        }
        if (n.self) v(n.self);
        n.args.forEach(v);
        return;
      case 'index':
        v(n.obj);
        v(n.index);
        return;
      case 'slice':
        [n.obj, n.lo, n.hi, n.step].forEach((x) => x && v(x));
        return;
      case 'unary':
        v(n.x);
        return;
      case 'bin':
      case 'bool':
        v(n.l);
        v(n.r);
        return;
      case 'cmp':
        n.xs.forEach(v);
        return;
      case 'if':
        v(n.test);
        v(n.then);
        v(n.else);
        return;
      case 'list':
        n.items.forEach(v);
        return;
      case 'comp': {
        // RFC 0005: a comprehension variable may not shadow a binding in scope
        if (defined.has(n.v) || locals.has(n.v))
          out.push(
            `binds the comprehension variable \`${n.v}\`, which shadows ${locals.has(n.v) ? 'an enclosing comprehension variable' : 'a let binding in scope'}: give the variable another name`,
          );
        v(n.iter);
        const inner = new Set([...locals, n.v]);
        [n.elt, ...n.ifs].forEach((x) => visit(x, inner));
        return;
      }
      case 'lit':
        return;
    }
  };
  visit(tree);
  if (out.length > 0) return out;
  let typeError: string | undefined;
  try {
    inferType(tree, types);
  } catch (e) {
    if (!(e instanceof ExprTypeError)) throw e;
    typeError = `has a type error: ${e.message}`;
  }
  if (constant) {
    // an evaluation error says more than the type error (the value that failed)
    const none = () => undefined;
    const r = written ? evaluateExpression(src, none) : evaluateValue(src, none);
    if ('error' in r) return [`cannot be evaluated: ${r.error.replace(/^\{\{ .* \}\}: /s, '')}`];
  }
  return typeError ? [typeError] : [];
}

/**
 * `let` bindings (Template Schemas §3.6) belong to the EXPR extension: without it each is refused
 * with what to change (where a `let` may stand at all is the schema's to say).
 */
export function checkLetNeedsExpr(doc: unknown, problems: Problem[]): void {
  const walk = (v: unknown, p: (string | number)[]) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        // `variables` may name an environment variable `let`
        if (k === 'let' && p.at(-1) !== 'variables')
          problems.push({
            path: formatPath([...p, k]),
            message:
              'let bindings need the EXPR extension: list EXPR in extensions, or write each expression where its value is used',
          });
        else walk(x, [...p, k]);
      }
  };
  walk(doc, []);
}
