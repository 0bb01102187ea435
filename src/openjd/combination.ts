/**
 * Combination expressions (2023-09 Template Schemas §3.4.3): how a step's task parameters combine
 * into its tasks. `A * B` is the product (row-major: the right-most parameter moves fastest, as in
 * openjd-model-for-python `_step_param_space_iter.py`); `(A, B)` associates ranges of equal length
 * element by element. Without an expression, every parameter is multiplied in definition order.
 */

/** A parsed combination expression. */
export type CombinationNode =
  | { kind: 'name'; name: string }
  | { kind: 'product'; children: CombinationNode[] }
  | { kind: 'association'; children: CombinationNode[] };

/** Longest expression the spec allows. */
export const MAX_COMBINATION_LENGTH = 1280;

type Token = { t: 'name' | '*' | '(' | ')' | ','; text: string; at: number };

function tokenize(expr: string): Token[] | string {
  const tokens: Token[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|([*(),])|(\S))/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < expr.length && (m = re.exec(expr)) !== null) {
    if (m[3] !== undefined)
      return `"${m[3]}" at character ${m.index + m[0].length} is not allowed: use task parameter names, *, (, ) and ,`;
    if (m[1] !== undefined) tokens.push({ t: 'name', text: m[1], at: m.index });
    else if (m[2] !== undefined) tokens.push({ t: m[2] as Token['t'], text: m[2], at: m.index });
  }
  return tokens;
}

/** Parses a combination expression, or says where it goes wrong. */
export function parseCombination(expr: string): CombinationNode | { error: string } {
  if (expr.trim() === '') return { error: 'the combination is empty: name the task parameters' };
  if (expr.length > MAX_COMBINATION_LENGTH)
    return { error: `the combination is longer than ${MAX_COMBINATION_LENGTH} characters` };
  const tokens = tokenize(expr);
  if (typeof tokens === 'string') return { error: tokens };
  let pos = 0;
  const fail = (what: string): never => {
    const tok = tokens[pos];
    throw new Error(
      tok
        ? `expected ${what} but found "${tok.text}"`
        : `expected ${what} at the end of the expression`,
    );
  };
  const element = (): CombinationNode => {
    const tok = tokens[pos];
    if (tok?.t === 'name') {
      pos++;
      return { kind: 'name', name: tok.text };
    }
    if (tok?.t === '(') {
      pos++;
      const children = [product()];
      while (tokens[pos]?.t === ',') {
        pos++;
        children.push(product());
      }
      if (tokens[pos]?.t !== ')') fail('")" or ","');
      pos++;
      return children.length === 1
        ? (children[0] as CombinationNode)
        : { kind: 'association', children };
    }
    return fail('a task parameter name or "("');
  };
  const product = (): CombinationNode => {
    const children = [element()];
    while (tokens[pos]?.t === '*') {
      pos++;
      children.push(element());
    }
    return children.length === 1 ? (children[0] as CombinationNode) : { kind: 'product', children };
  };
  try {
    const root = product();
    if (pos < tokens.length) fail('"*" or the end of the expression');
    return root;
  } catch (e) {
    return { error: `${(e as Error).message}: write names joined by * and groups such as (A, B)` };
  }
}

/** The task parameter names an expression uses, in order, repeats included. */
export function namesIn(node: CombinationNode): string[] {
  return node.kind === 'name' ? [node.name] : node.children.flatMap(namesIn);
}

/** The expression a step without `combination` uses: the product of all its parameters. */
export function defaultCombination(names: readonly string[]): CombinationNode {
  const children = names.map((name): CombinationNode => ({ kind: 'name', name }));
  return children.length === 1 ? (children[0] as CombinationNode) : { kind: 'product', children };
}

/**
 * How many tasks the expression makes from ranges of the given lengths, or why the lengths do not
 * fit (an association of unequal ranges).
 */
export function combinationLength(
  node: CombinationNode,
  lengths: ReadonlyMap<string, number>,
): { length: number } | { error: string } {
  if (node.kind === 'name') return { length: lengths.get(node.name) ?? 0 };
  const parts: number[] = [];
  for (const child of node.children) {
    const r = combinationLength(child, lengths);
    if ('error' in r) return r;
    parts.push(r.length);
  }
  if (node.kind === 'product') return { length: parts.reduce((a, b) => a * b, 1) };
  if (new Set(parts).size > 1) {
    return {
      error: `${show(node)} associates ranges of different lengths (${parts.join(', ')}): associated parameters need ranges of the same length`,
    };
  }
  return { length: parts[0] ?? 0 };
}

/** Writes a node back as an expression, for messages. */
export function show(node: CombinationNode): string {
  if (node.kind === 'name') return node.name;
  if (node.kind === 'product') return node.children.map(show).join(' * ');
  return `(${node.children.map(show).join(', ')})`;
}

/**
 * Every point of the parameter space, in the spec's order: each point maps a parameter name to
 * the index of its value in that parameter's range. Lengths must already fit (see above).
 */
export function combinationPoints(
  node: CombinationNode,
  lengths: ReadonlyMap<string, number>,
): Record<string, number>[] {
  if (node.kind === 'name') {
    const n = lengths.get(node.name) ?? 0;
    return Array.from({ length: n }, (_, i) => ({ [node.name]: i }));
  }
  const lists = node.children.map((c) => combinationPoints(c, lengths));
  if (node.kind === 'association') {
    const n = lists[0]?.length ?? 0;
    return Array.from({ length: n }, (_, i) =>
      lists.reduce<Record<string, number>>((acc, l) => ({ ...acc, ...l[i] }), {}),
    );
  }
  return lists.reduce<Record<string, number>[]>(
    (acc, list) => acc.flatMap((left) => list.map((right) => ({ ...left, ...right }))),
    [{}],
  );
}
