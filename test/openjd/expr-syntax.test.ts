import { describe, expect, it } from 'vitest';
import { OperationCount } from '../../src/openjd/expr-limits.js';
import { resolveFormatString } from '../../src/openjd/format-string.js';
import { validateTemplate } from '../../src/openjd/index.js';

/** The grammar of EXPR expressions: literals, comprehensions, slices, refusals, limits. */

const scope: Record<string, { type: string; value: string }> = {
  'Param.Count': { type: 'INT', value: '4' },
  'Param.Name': { type: 'STRING', value: 'shot' },
  'Param.if': { type: 'STRING', value: 'kw-if' },
  'Param.else': { type: 'STRING', value: 'kw-else' },
  'Param.On': { type: 'BOOL', value: 'true' },
};
const ev = (s: string) => resolveFormatString(`{{ ${s} }}`, (n) => scope[n]);
const value = (s: string) => {
  const r = ev(s);
  if ('error' in r) throw new Error(r.error);
  return r.value;
};
const error = (s: string) => {
  const r = ev(s);
  if ('value' in r) throw new Error(`${s} evaluated to ${r.value}`);
  return r.error;
};

describe('EXPR literals', () => {
  it('reads Python numeric literals: prefixes, underscores, exponents', () => {
    expect(value('0x1f + 0X10')).toBe('47');
    expect(value('0o17 + 0O1')).toBe('16');
    expect(value('0b11 + 0B1')).toBe('4');
    expect(value('2_500 + 0xF_F')).toBe('2755');
    expect(value('000')).toBe('0');
    expect(value('2.5e2 + 0')).toBe('250.0');
    expect(value('.25 * 4')).toBe('1.0');
    expect(error('012')).toMatch(/cannot start with 0 \(write 0o12 for octal\)/);
    expect(error('3j')).toMatch(/complex numbers \(3j\) are not supported/);
    expect(error('12abc')).toMatch(/"12a" is not a number/);
  });

  it('reads string escapes, raw strings, triple quotes and joined literals', () => {
    expect(value('"\\x61\\u0062\\U00000063"')).toBe('abc');
    expect(value('"\\N{LATIN CAPITAL LETTER Q}\\N{DIGIT SEVEN}"')).toBe('Q7');
    expect(value('len("a\\tb\\n")')).toBe('4');
    expect(value('"\\d"')).toBe('\\d'); // an unknown escape keeps its backslash
    expect(value('R"x\\ny" + r\'\\t\'')).toBe('x\\ny\\t');
    expect(value('len("""one\ntwo""")')).toBe('7');
    expect(value("'''it's'''")).toBe("it's");
    expect(value('"ab" "cd"')).toBe('abcd');
    expect(error('"\\N{SNOWMAN}"')).toMatch(/knows the names of ASCII letters/);
    expect(error('"\\x4"')).toMatch(/not a valid escape/);
    expect(error('"one\ntwo"')).toMatch(/cannot span lines/);
  });

  it('reads an expression over several lines without continuation marks', () => {
    expect(value('Param.Count +\n  1 *\n  2')).toBe('6');
    expect(value('"a"\n  if Param.On\n  else "b"')).toBe('a');
  });

  it('reads keywords after "." as names (contextual keywords)', () => {
    expect(value('Param.if if Param.On else Param.else')).toBe('kw-if');
    expect(value('Param.else if not Param.On else Param.if')).toBe('kw-if');
  });
});

describe('EXPR comprehensions', () => {
  it('maps and filters a list', () => {
    expect(value('[n * n for n in [1, 2, 3]]')).toBe('[1, 4, 9]');
    expect(value('[s.upper() for s in ["a", "b", "c"] if s != "b"]')).toBe('["A", "C"]');
    expect(value('[_i + Param.Count for _i in range(3) if _i > 0 if _i < 2]')).toBe('[5]');
  });

  it('lets an inner comprehension use the outer variable', () => {
    expect(value('[[x * y for y in [1, 2]] for x in [3, 4]]')).toBe('[[3, 6], [4, 8]]');
  });

  it('refuses what is not a comprehension of EXPR', () => {
    expect(error('[x for x in [1] for y in [2]]')).toMatch(/one "for": nested comprehension/);
    expect(error('[X for X in [1]]')).toMatch(/must be a name starting with a lowercase/);
    expect(error('[a for a, b in [1]]')).toMatch(/one variable/);
    expect(error('[c for c in "abc"]')).toMatch(/walks a list, not a string/);
    expect(error('[c for c in [1] if 1]')).toMatch(/"if" must be a bool, not an int/);
  });
});

describe('EXPR slices and logic', () => {
  it('slices with a step as Python does', () => {
    expect(value('[0, 1, 2, 3, 4, 5][::2]')).toBe('[0, 2, 4]');
    expect(value('[0, 1, 2, 3, 4, 5][5:0:-2]')).toBe('[5, 3, 1]');
    expect(value('[0, 1, 2][::-1]')).toBe('[2, 1, 0]');
    expect(value('[0, 1, 2][-10:10]')).toBe('[0, 1, 2]');
    expect(value('"drawer"[::-1]')).toBe('reward');
    expect(value('"héllo"[1:3]')).toBe('él');
    expect(error('[1][::0]')).toMatch(/step cannot be 0/);
  });

  it('returns an operand from and/or: only null and false are falsy', () => {
    expect(value('null or "dflt"')).toBe('dflt');
    expect(value('0 or 9')).toBe('0');
    expect(value('"" and "x"')).toBe('x');
    expect(value('[false and 1, 2 and 3]')).toBe('[false, 3]');
    expect(value('repr_json(null and 1)')).toBe('null');
    expect(value('true or 1 / 0')).toBe('true');
  });

  it('binds ** tighter than unary minus, and right to left', () => {
    expect(value('-3 ** 2')).toBe('-9');
    expect(value('2 ** -1')).toBe('0.5');
    expect(value('3 ** 1 ** 2 - 10 - 1')).toBe('-8');
  });
});

describe('EXPR refusals', () => {
  const refused: [string, RegExp][] = [
    ['lambda: 1', /lambda expressions are not supported/],
    ['await Param.Count', /await is not supported/],
    ['Param.Count is None', /'is' operator is not supported/],
    ['(y := 1)', /walrus operator/],
    ['3 & 1', /bitwise and/],
    ['3 | 1', /bitwise or/],
    ['3 ^ 1', /bitwise xor/],
    ['~3', /bitwise not/],
    ['3 << 1', /bitwise shift/],
    ['Param.Count @ 2', /matrix multiplication/],
    ['max(*[1])', /argument unpacking \(\*\)/],
    ['max(**[1])', /argument unpacking \(\*\*\)/],
    ['round(1.5, ndigits=1)', /keyword arguments \(ndigits=\.\.\.\)/],
    ['(1, 2)', /tuples are not supported/],
    ['(n for n in [1])', /generator expressions are not supported/],
    ['max(n for n in [1])', /generator expressions are not supported/],
    ['{1: 2}', /dict and set/],
    ["b'x'", /bytes literals/],
    ["f'{x}'", /f-strings/],
    ['...', /ellipsis/],
    ['yield 1', /yield is not supported/],
  ];
  it.each(refused)('refuses %s, naming it', (src, why) => {
    expect(error(src)).toMatch(why);
  });
});

describe('EXPR evaluation limits', () => {
  it('refuses a value past the memory limit, a comprehension as its list grows', () => {
    expect(value('len(["x" * 999999 for i in range(30)])')).toBe('30');
    expect(error('len(["x" * 999999 for i in range(60)])')).toMatch(
      /makes a value of more than 100000000 bytes/,
    );
    // a value a function or operator makes is bounded too (here with small limits)
    const small = new OperationCount(100, 1000);
    small.call('upper', [], { t: 'string', v: 'x'.repeat(400) });
    expect(() => small.call('upper', [], { t: 'string', v: 'x'.repeat(600) })).toThrow(
      /more than 1000 bytes/,
    );
  });

  it('refuses an evaluation past the operation limit', () => {
    // 60 × (range: 1 + 99999, sum: 1 + 99999) is over 10 million
    expect(error('len([sum(range(99999)) for i in range(60)])')).toMatch(
      /takes more than 10000000 operations/,
    );
    // a string processed counts its length / 256: 30 × 2 × 3907 more tips 9.8 million over
    const lists = '[sum(range(99999)) for i in range(49)]';
    expect(value(`len(${lists} + [len("b" * 999) for i in range(30)])`)).toBe('79');
    expect(error(`len(${lists} + [("b" * 999999).upper() for i in range(30)])`)).toMatch(
      /operations/,
    );
  });
});

/** A template whose step binds `x` and whose script uses `expr`. */
const shadowing = (expr: string) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions: ['EXPR'],
  name: 'J',
  steps: [
    {
      name: 'S',
      let: ['x = 2'],
      script: { actions: { onRun: { command: 'echo', args: [expr] } } },
    },
  ],
});

describe('EXPR comprehensions at check', () => {
  it('refuses a comprehension variable that shadows a let binding, naming it', () => {
    const errors = validateTemplate(shadowing('{{ [x for x in [1, 2]] }}')).errors;
    expect(errors).toEqual([
      {
        path: 'steps[0].script.actions.onRun.args[0]',
        message:
          '{{ [x for x in [1, 2]] }} binds the comprehension variable `x`, which shadows a let binding in scope: give the variable another name',
      },
    ]);
    expect(validateTemplate(shadowing('{{ [y * x for y in [1, 2]] }}')).errors).toEqual([]);
    expect(validateTemplate(shadowing('{{ [[y for y in [1]] for y in [2]] }}')).errors).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/enclosing comprehension/) as string,
      }),
    ]);
  });

  it('refuses a constant expression past the operation limit at check', () => {
    const big = '{{ len([sum(range(99999)) for i in range(60)]) }}';
    expect(validateTemplate(shadowing(big)).errors[0]?.message).toMatch(
      /cannot be evaluated: the expression takes more than 10000000 operations/,
    );
  });
});
