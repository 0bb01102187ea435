import { arity, bool, integer, list, text, str, type Fn } from './expr-fn-args.js';
import { compare } from './expr-compare.js';
import { describe } from './expr-operators.js';
import { intValue, makeList, type Value } from './expr-value.js';

/**
 * The list functions of RFC 0006: `range flatten sorted reversed unique any all join`.
 */

/** The most items `range` makes (evaluation must not exhaust memory, RFC 0005). */
// made before the operation count sees it (expr-limits.ts): bounded here for memory
const MAX_RANGE = 1_000_000;

function range(a: Value[]): Value {
  arity(a, 1, 3);
  const n = a.map(integer);
  const [start, stop, step] =
    n.length === 1 ? [0n, n[0] ?? 0n, 1n] : [n[0] ?? 0n, n[1] ?? 0n, n[2] ?? 1n];
  if (step === 0n) throw new Error('the step must not be 0');
  const size = step > 0n ? (stop - start + step - 1n) / step : (start - stop - step - 1n) / -step;
  if (size > BigInt(MAX_RANGE)) throw new Error(`makes more than ${MAX_RANGE} values`);
  const out: Value[] = [];
  for (let i = start; step > 0n ? i < stop : i > stop; i += step) out.push(intValue(i));
  return { t: 'list', v: out };
}

function bools(v: Value | undefined): boolean[] {
  return list(v).map((x) => {
    if (x.t !== 'bool') throw new Error(`needs a list of bools, not one holding ${describe(x)}`);
    return x.v;
  });
}

function sorted(items: Value[]): Value[] {
  // compare() throws for values that cannot be ordered (a string and an int)
  return [...items].sort((x, y) => (compare('<', x, y) ? -1 : compare('<', y, x) ? 1 : 0));
}

export const LIST_FUNCTIONS: Readonly<Record<string, Fn>> = {
  range,
  flatten: (a) => {
    arity(a, 1);
    return makeList(list(a[0]).flatMap((x) => (x.t === 'list' ? x.v : [x])));
  },
  sorted: (a) => (arity(a, 1), { t: 'list', v: sorted(list(a[0])) }),
  reversed: (a) => (arity(a, 1), { t: 'list', v: [...list(a[0])].reverse() }),
  unique: (a) => {
    arity(a, 1);
    const out: Value[] = [];
    for (const x of list(a[0])) if (!out.some((y) => compare('==', x, y))) out.push(x);
    return { t: 'list', v: out };
  },
  any: (a) => (arity(a, 1), bool(bools(a[0]).some(Boolean))),
  all: (a) => (arity(a, 1), bool(bools(a[0]).every(Boolean))),
  join: (a) => {
    arity(a, 2);
    // RFC 0006 writes `items.join(sep)`; Python's `sep.join(items)` is read the same
    const [items, sep] = a[0]?.t === 'list' ? [a[0], a[1]] : [a[1], a[0]];
    return str(
      list(items)
        .map((x) => text(x, 'a list of strings'))
        .join(text(sep)),
    );
  },
};
