import type { Value } from './expr-value.js';

/**
 * The list job parameters of the EXPR extension (RFC 0007): `LIST[STRING|PATH|INT|FLOAT|BOOL]`
 * and `LIST[LIST[INT]]`. A list value is carried as the text EXPR writes a list in
 * (`["a", "b"]`, `[1, 2]`, `[[1], [2, 3]]`), so `{{Param.X}}` writes it as expressions do and the
 * stored job keeps one string per parameter; expressions read it back as a `list` value whose
 * items have the item type.
 */

/** The scalar (or, for LIST[LIST[INT]], list) type of each list type's items. */
const ITEM_TYPE = {
  'LIST[STRING]': 'STRING',
  'LIST[PATH]': 'PATH',
  'LIST[INT]': 'INT',
  'LIST[FLOAT]': 'FLOAT',
  'LIST[BOOL]': 'BOOL',
  'LIST[LIST[INT]]': 'LIST[INT]',
} as const;

export type ListType = keyof typeof ITEM_TYPE;

/** What of a list parameter's definition its values are checked against (no schema import: expr-eval uses this module). */
interface ListDef {
  name: string;
  type: ListType;
  minLength?: number;
  maxLength?: number;
  item?: object;
}

/** Whether a parameter type is a list type. */
export function isListType(type: string): type is ListType {
  return Object.hasOwn(ITEM_TYPE, type);
}

/** An item's canonical text (a scalar's, as `checkValue` gives it), or an inner list's items. */
type Item = string | Item[];

/** Checks one scalar item against a definition `D` made of the list's `item` constraints. */
type ItemCheck<D> = (def: D, raw: unknown) => { value: string } | { error: string };

/** A number of a list given as JSON text, as it was written. */
class NumberText {
  constructor(readonly text: string) {}
}

/**
 * A value given as text (`-p Name=[...]`) read as JSON; numbers keep their text, so an int64 stays
 * exact and a float keeps the digits it was written with.
 */
function parseListText(text: string): unknown {
  try {
    return JSON.parse(text, (_k, v: unknown, ctx?: { source?: string }) =>
      typeof v === 'number' && ctx?.source !== undefined ? new NumberText(ctx.source) : v,
    ) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON number read with its text (see parseListText) back to what the item checks take. */
const unwrap = (v: unknown): unknown => (v instanceof NumberText ? v.text : v);

const itemDef = <D>(def: ListDef, type: string): D =>
  ({ name: def.name, type, ...(def.item ?? {}) }) as D;

function checkItems<D>(
  def: ListDef,
  raw: unknown,
  check: ItemCheck<D>,
): { items: Item[] } | { error: string } {
  const list = typeof raw === 'string' ? parseListText(raw) : raw;
  if (!Array.isArray(list))
    return {
      error: `must be a list, such as ${def.type === 'LIST[LIST[INT]]' ? '[[1, 2], [3]]' : def.type === 'LIST[INT]' ? '[1, 2]' : '["a", "b"]'} (JSON when given as text)`,
    };
  const n = list.length;
  if (def.minLength !== undefined && n < def.minLength)
    return { error: `has ${n} items; at least ${def.minLength} are needed (minLength)` };
  if (def.maxLength !== undefined && n > def.maxLength)
    return { error: `has ${n} items; at most ${def.maxLength} are allowed (maxLength)` };
  const type = ITEM_TYPE[def.type];
  const items: Item[] = [];
  for (const [i, x] of list.entries()) {
    const r = isListType(type)
      ? checkItems(itemDef<ListDef>(def, type), x, check)
      : check(itemDef<D>(def, type), unwrap(x));
    if ('error' in r) return { error: `item ${i}: ${r.error}` };
    items.push('items' in r ? r.items : r.value);
  }
  return { items };
}

/** A list as EXPR writes it: strings and paths quoted, numbers and bools as they are. */
function listText(items: Item[], type: ListType): string {
  const inner = ITEM_TYPE[type];
  return `[${items
    .map((x) =>
      Array.isArray(x)
        ? listText(x, inner as ListType)
        : inner === 'STRING' || inner === 'PATH'
          ? JSON.stringify(x)
          : x,
    )
    .join(', ')}]`;
}

/**
 * A list parameter's value against its definition: its length, each item against `item`
 * (checked by `check`, which may also rewrite it: a PATH item joined with a directory), and the
 * text the value is carried as.
 */
export function checkListValue<D>(
  def: ListDef,
  raw: unknown,
  check: ItemCheck<D>,
): { value: string } | { error: string } {
  const r = checkItems(def, raw, check);
  return 'error' in r ? r : { value: listText(r.items, def.type) };
}

/** A list parameter's carried text as an expression value, each item made by `scalar`. */
export function listFromText(
  type: ListType,
  text: string,
  scalar: (type: string, text: string) => Value,
): Value {
  const read = (x: unknown, t: string): Value =>
    Array.isArray(x)
      ? { t: 'list', v: x.map((y) => read(y, ITEM_TYPE[t as ListType])) }
      : scalar(t, typeof x === 'boolean' ? String(x) : String(unwrap(x)));
  return read(parseListText(text), type);
}

/** How `RawParam.X` reads a LIST[PATH]: its items as strings, not paths (no path mapping). */
export function rawListType(type: string): string {
  return type === 'LIST[PATH]' ? 'LIST[STRING]' : type;
}
