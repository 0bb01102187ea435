import { UsageError } from '../errors.js';

/** A value that cannot be put into a shell script safely. Names the field it came from. */
export class UnsafeValueError extends UsageError {
  readonly field: string;
  constructor(field: string, why: string) {
    super(`${field}: ${why}`);
    this.field = field;
  }
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quotes `value` as one literal shell word (POSIX sh and bash). Values made only of characters
 * that are never special are returned bare, the rest inside single quotes. NUL can never be
 * carried by a shell word and is rejected; so is a newline unless `multiline` is set.
 */
export function shellQuote(
  value: string,
  field = 'value',
  opts: { multiline?: boolean } = {},
): string {
  if (value.includes('\0'))
    throw new UnsafeValueError(field, 'contains a NUL byte, which no shell word can hold');
  if (!opts.multiline && /[\n\r]/.test(value)) {
    throw new UnsafeValueError(field, 'contains a line break; give it on one line');
  }
  if (value !== '' && SAFE_WORD.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Quotes each word and joins them with spaces: a command line a user could paste. */
export function shellJoin(words: readonly string[], field = 'argument'): string {
  return words.map((w, i) => shellQuote(w, `${field} ${i + 1}`, { multiline: true })).join(' ');
}
