import { sizeOf, type OperationCount } from './expr-limits.js';
import { describe, ExprError } from './expr-operators.js';
import type { Node } from './expr-parse.js';
import { itemsOf } from './expr-range.js';
import type { Value } from './expr-value.js';

/**
 * A list comprehension `[elt for v in iter if c ...]` (RFC 0005 "List Comprehensions"): for each
 * item of the list `iter` (a string is not iterated), in order, `v` is bound to it, the
 * conditions (each a bool) are evaluated, and the items that pass them give `elt`. Each item
 * counts one operation, and the list is bounded in memory as it grows. `evaluate` evaluates a node with `v` bound to an item.
 */
export function comprehension(
  n: Extract<Node, { k: 'comp' }>,
  iter: Value,
  ops: OperationCount,
  evaluate: (x: Node, item: Value) => Value,
): Value {
  const items = itemsOf(iter);
  if (!items)
    throw new ExprError(
      `a list comprehension walks a list, not ${describe(iter)}: give a list or a range_expr`,
    );
  ops.add(items.length);
  const out: Value[] = [];
  let size = 0; // the list being built is live: bounded as it grows
  for (const item of items) {
    const pass = n.ifs.every((c) => {
      const test = evaluate(c, item);
      if (test.t !== 'bool')
        throw new ExprError(`a comprehension's "if" must be a bool, not ${describe(test)}`);
      return test.v;
    });
    if (!pass) continue;
    const v = evaluate(n.elt, item);
    ops.hold((size += 8 + sizeOf(v)));
    out.push(v);
  }
  return { t: 'list', v: out };
}
