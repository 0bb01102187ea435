/**
 * What Python expressions have and EXPR refuses (RFC 0005 "Syntax restrictions"), each with the
 * sentence that names it and says what to write instead. The lexer (expr-lex.ts) refuses the
 * operators and the parser (expr-parse.ts) the keywords and forms.
 */

/** Operators and punctuation, longest first where one begins another. */
export const REFUSED_OPERATORS: readonly (readonly [string, string])[] = [
  [':=', 'the walrus operator (:=) is not supported: use a let binding'],
  ['<<', 'bitwise shift (<<) is not supported'],
  ['>>', 'bitwise shift (>>) is not supported'],
  ['...', 'the ellipsis (...) is not supported'],
  ['->', '"->" is not part of an expression'],
  ['&', 'bitwise and (&) is not supported: use "and"'],
  ['|', 'bitwise or (|) is not supported: use "or"'],
  ['^', 'bitwise xor (^) is not supported'],
  ['~', 'bitwise not (~) is not supported: use "not" on a bool, or "-" on a number'],
  ['@', 'matrix multiplication (@) is not supported'],
  ['{', 'dict and set literals and comprehensions are not supported: write a list [...]'],
  ['}', 'dict and set literals and comprehensions are not supported: write a list [...]'],
  [';', 'statements are not supported: an expression is one value'],
];

/** String prefixes other than r/R. */
export const REFUSED_PREFIXES: Readonly<Record<string, string>> = {
  b: 'bytes literals (b"...") are not supported: write a string',
  f: 'f-strings are not supported: join strings with + or use the format string around the expression',
  u: 'the u string prefix is not supported: write the string without it',
};

/** Keywords where a value or an operator would stand. */
export const REFUSED_WORDS: Readonly<Record<string, string>> = {
  lambda: 'lambda expressions are not supported: there are no user-defined functions',
  await: 'await is not supported: expressions are not asynchronous',
  async: 'async is not supported: expressions are not asynchronous',
  yield: 'yield is not supported: expressions are not generators',
  is: "the 'is' operator is not supported: use == or !=",
};

/** Python's other hard keywords: names of attributes (`Param.class`), never values. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set(
  (
    'as assert break class continue def del elif else except finally for from global if ' +
    'import in nonlocal or and pass raise return try while with'
  ).split(' '),
);

export const REFUSED = {
  generator: 'generator expressions are not supported: write a list comprehension in [ ]',
  tuple: 'tuples are not supported: write a list [ ] for several values',
  assignment: 'assignment is not supported: an expression is one value (bind names with let)',
  secondFor: 'a comprehension takes one "for": nested comprehension clauses are not supported',
  unpackLoop: 'a comprehension takes one variable: unpacking is not supported',
  unpackArg: (op: string) =>
    `argument unpacking (${op}) is not supported: pass each argument by position`,
  keywordArg: (name: string) =>
    `keyword arguments (${name}=...) are not supported: pass arguments by position`,
};

/** What a token after a complete expression means. */
export const REFUSED_AFTER: Readonly<Record<string, string>> = {
  ...REFUSED_WORDS,
  '=': REFUSED.assignment,
  ',': REFUSED.tuple,
  for: REFUSED.generator,
};
