import { CHUNK_INT } from './chunk-type.js';
import { rangeFromText } from './expr-range.js';
import { ExprError, floatValue, intValue, type Value } from './expr-value.js';
import { isListType, listFromText } from './list-parameter.js';

/**
 * How a value in a format string's scope enters an EXPR expression: a parameter's text read as
 * its declared type (INT → int, FLOAT → float, PATH → path, BOOL → bool, STRING → string, the
 * LIST types → lists, RANGE_EXPR and CHUNK[INT] → range_expr), a `let` binding's value as it is.
 */

/** A value a reference resolves to, as the scope holds it: its parameter type and text. */
export interface ScopeValue {
  type: string;
  value: string;
}

/** A value a `let` binding computed (any type, lists too). */
export interface BoundValue {
  bound: Value;
}

/**
 * A value of a parameter type from its text: an INT exactly, a FLOAT keeping its text, a
 * RANGE_EXPR as a range_expr, a CHUNK[INT] task's chunk as a range_expr written as it was made.
 */
function fromText(type: string, text: string): Value {
  if (type === 'RANGE_EXPR') return rangeFromText(text);
  if (type === CHUNK_INT) return rangeFromText(text, true);
  if (type === 'INT') return intFromText(text);
  if (type === 'FLOAT') return floatValue(Number(text), text.trim());
  if (type === 'PATH') return { t: 'path', v: text };
  if (type === 'BOOL') return { t: 'bool', v: text === 'true' };
  return { t: 'string', v: text };
}

export function fromScope(v: string | ScopeValue | BoundValue): Value {
  if (typeof v === 'string') return { t: 'string', v };
  if ('bound' in v) return v.bound;
  // EXPR's list parameters: a list of items of the item type
  if (isListType(v.type)) return listFromText(v.type, v.value, fromText);
  return fromText(v.type, v.value);
}

/** An INT value's text read exactly (a bigint, so 9223372036854775807 stays itself). */
function intFromText(text: string): Value {
  const t = text.trim();
  if (!/^[-+]?\d+$/.test(t)) throw new ExprError(`${JSON.stringify(text)} is not an integer`);
  return intValue(BigInt(t));
}
