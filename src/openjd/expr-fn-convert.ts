import { arity, bool, str, text, type Fn } from './expr-fn-args.js';
import { rangeLength } from './expr-range.js';
import { ExprError, floatValue, intValue, toText, type Value } from './expr-value.js';

/**
 * The conversion functions of RFC 0006: `string int float bool len fail`. A conversion that
 * would lose something (`int(3.75)`, `bool("maybe")`) is an error, never a guess.
 */

const INT_TEXT = /^[-+]?\d+$/;
const FLOAT_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const TRUE_TEXT = new Set(['1', 'true', 'on', 'yes']);
const FALSE_TEXT = new Set(['0', 'false', 'off', 'no']);

function toInt(v: Value): Value {
  if (v.t === 'int') return v;
  if (v.t === 'float') {
    if (!Number.isInteger(v.v))
      throw new Error(`${toText(v)} is not a whole number: use floor, ceil or round`);
    return intValue(BigInt(v.v));
  }
  if (v.t === 'string' && INT_TEXT.test(v.v.trim())) return intValue(BigInt(v.v.trim()));
  throw new Error(`cannot convert ${JSON.stringify(toText(v))} to an int`);
}

function toFloat(v: Value): Value {
  if (v.t === 'float') return v;
  if (v.t === 'int') return floatValue(Number(v.v));
  if (v.t === 'string' && FLOAT_TEXT.test(v.v.trim())) return floatValue(Number(v.v.trim()));
  throw new Error(`cannot convert ${JSON.stringify(toText(v))} to a float`);
}

function toBool(v: Value): Value {
  switch (v.t) {
    case 'bool':
      return v;
    case 'null':
      return bool(false);
    case 'int':
      return bool(v.v !== 0n);
    case 'float':
      return bool(v.v !== 0);
    case 'string': {
      const s = v.v.toLowerCase();
      if (TRUE_TEXT.has(s)) return bool(true);
      if (FALSE_TEXT.has(s)) return bool(false);
      throw new Error(
        `cannot convert ${JSON.stringify(v.v)} to bool: use 1/0, true/false, on/off or yes/no`,
      );
    }
    default:
      throw new Error(`cannot convert ${v.t} to bool`);
  }
}

export const CONVERT_FUNCTIONS: Readonly<Record<string, Fn>> = {
  string: (a) => (arity(a, 1), str(toText(a[0] as Value))),
  int: (a) => (arity(a, 1), toInt(a[0] as Value)),
  float: (a) => (arity(a, 1), toFloat(a[0] as Value)),
  bool: (a) => (arity(a, 1), toBool(a[0] as Value)),
  len: (a) => {
    arity(a, 1);
    const v = a[0] as Value;
    if (v.t === 'list') return intValue(BigInt(v.v.length));
    if (v.t === 'range_expr') return intValue(rangeLength(v));
    const s = text(v, 'a string, a path or a list');
    // characters, not UTF-16 units; counted without copying the string (it may be long)
    return intValue(BigInt(s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0)));
  },
  fail: (a) => {
    arity(a, 1);
    // the message is the template author's, given as it is
    throw new ExprError(text(a[0]));
  },
};
