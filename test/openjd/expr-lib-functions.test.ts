import { describe, expect, it } from 'vitest';
import { evaluateValue } from '../../src/openjd/expr-eval.js';
import { toText } from '../../src/openjd/expr-value.js';
import { validateTemplate } from '../../src/openjd/index.js';

/** RFC 0006's function library: conversions, math, lists, strings, regular expressions. */

const scope: Record<string, { type: string; value: string }> = {
  'Param.Shot': { type: 'STRING', value: '  Sh010_Comp  ' },
  'Param.Frame': { type: 'INT', value: '7' },
};
/** The value as `string()` writes it (a list too), null as nothing; or why there is none. */
const ev = (s: string) => {
  const r = evaluateValue(s, (n) => scope[n]);
  return 'error' in r ? r : { value: r.value.t === 'null' ? '' : toText(r.value) };
};
const value = (s: string) => ({ value: s });
const error = (re: RegExp) => ({ error: expect.stringMatching(re) as string });

describe('EXPR conversions', () => {
  it('converts to bool from the spellings RFC 0006 lists, in any case, and nothing else', () => {
    expect(ev('[bool(1), bool(0.0), bool(null), bool("Yes"), bool("OFF"), bool("1")]')).toEqual(
      value('[true, false, false, true, false, true]'),
    );
    expect(ev('bool("maybe")')).toMatchObject(error(/bool: cannot convert "maybe" to bool/));
    expect(ev('bool([1])')).toMatchObject(error(/cannot convert list to bool/));
  });

  it('converts to int and float only without losing anything', () => {
    expect(ev('int(" 42 ") + int(3.0)')).toEqual(value('45'));
    expect(ev('int(3.75)')).toMatchObject(error(/not a whole number: use floor, ceil or round/));
    expect(ev('int("4.5")')).toMatchObject(error(/cannot convert "4.5" to an int/));
    expect(ev('int(true)')).toMatchObject(error(/cannot convert "true" to an int/));
    expect(ev('[float(3), float(" 1.5e3 "), float(".5")]')).toEqual(value('[3.0, 1500.0, 0.5]'));
    expect(ev('float("inf")')).toMatchObject(error(/cannot convert "inf" to a float/));
    expect(ev('len("héllo") + len([1, 2])')).toEqual(value('7'));
  });

  it('fails with the message given', () => {
    expect(ev('Param.Frame if Param.Frame > 10 else fail("Frame must be over 10")')).toEqual({
      error: 'Frame must be over 10',
    });
  });
});

describe('EXPR math', () => {
  it('rounds half to even, keeping the decimals asked for', () => {
    expect(ev('[round(0.5), round(1.5), round(2.5), round(-2.5)]')).toEqual(value('[0, 2, 2, -2]'));
    expect(ev('round(3.5, 2)')).toEqual(value('3.50'));
    expect(ev('round(2.675, 2)')).toEqual(value('2.67'));
    expect(ev('round(0.125, 2)')).toEqual(value('0.12'));
    expect(ev('round(1234.5, -1)')).toEqual(value('1230'));
    expect(ev('round(1250, -2)')).toEqual(value('1200'));
    expect(ev('round(1350, -2)')).toEqual(value('1400'));
  });

  it('keeps ints ints and floors, ceils and sums', () => {
    expect(ev('[floor(-1.5), ceil(-1.5), floor(4), abs(-3)]')).toEqual(value('[-2, -1, 4, 3]'));
    expect(ev('[sum([]), sum([1, 2]), sum([1, 2.5])]')).toEqual(value('[0.0, 3.0, 3.5]'));
    expect(ev('sum([1, 2])')).toEqual(value('3'));
    expect(ev('min([])')).toMatchObject(error(/min: needs a non-empty list/));
  });
});

describe('EXPR lists', () => {
  it('makes, orders and reduces lists', () => {
    expect(ev('range(5, 0, -2)')).toEqual(value('[5, 3, 1]'));
    expect(ev('flatten([[1, 2], [3]])')).toEqual(value('[1, 2, 3]'));
    expect(ev('sorted(["b", "a", "c"])')).toEqual(value('["a", "b", "c"]'));
    expect(ev('sorted([[2, 1], [1, 5], [1]])')).toEqual(value('[[1], [1, 5], [2, 1]]'));
    expect(ev('reversed([1, 2, 3])')).toEqual(value('[3, 2, 1]'));
    expect(ev('unique([3, 1, 3, 1.0, 2])')).toEqual(value('[3.0, 1.0, 2.0]'));
    expect(ev('[any([]), all([]), any([false, true]), all([true, false])]')).toEqual(
      value('[false, true, true, false]'),
    );
    expect(ev('["a", "b"].join("-") + " " + ",".join(["c", "d"])')).toEqual(value('a-b c,d'));
    expect(ev('sorted([1, "a"])')).toMatchObject(error(/cannot be ordered/));
    expect(ev('range(0, 10000000)')).toMatchObject(error(/more than 1000000 values/));
  });

  it('concatenates, repeats and orders with list operators', () => {
    expect(ev('[1, 2] + [3.0]')).toEqual(value('[1.0, 2.0, 3.0]'));
    expect(ev('[] + ["x"]')).toEqual(value('["x"]'));
    expect(ev('[1, 2] * 2')).toEqual(value('[1, 2, 1, 2]'));
    expect(ev('[1] * 0')).toEqual(value('[]'));
    expect(ev('[1, 2] < [1, 3] and [1, 2] < [1, 2, 0] and false < true')).toEqual(value('true'));
    expect(ev('["a"] + [1]')).toMatchObject(error(/a list of strings \+ a list of ints/));
  });
});

describe('EXPR strings', () => {
  it('cases, strips and pads as Python does', () => {
    expect(ev('Param.Shot.strip().lower().capitalize()')).toEqual(value('Sh010_comp'));
    expect(ev('"they\'re bill\'s 1st".title()')).toEqual(value("They'Re Bill'S 1St"));
    expect(ev('"xxhixx".strip("x") + "|" + "  a ".lstrip() + "|" + "ab..".rstrip(".")')).toEqual(
      value('hi|a |ab'),
    );
    expect(ev('"ab".center(7, ) + "|" + "ab".ljust(4) + "|" + "ab".rjust(4)')).toEqual(
      value('   ab  |ab  |  ab'),
    );
    expect(ev('"frame_".rjust(10) + zfill(Param.Frame, 4)')).toEqual(value('    frame_0007'));
    expect(ev('[zfill(-1, 3), zfill("-10", 4), zfill(2.5, 5)]')).toEqual(
      value('["-01", "-010", "002.5"]'),
    );
  });

  it('finds, counts, splits and replaces', () => {
    expect(ev('["aXbXc".find("X"), "aXbXc".rfind("X"), "ééX".find("X"), "a".find("z")]')).toEqual(
      value('[1, 3, 2, -1]'),
    );
    expect(ev('"abab".count("ab") + "abc".index("c")')).toEqual(value('4'));
    expect(ev('"abc".index("z")')).toMatchObject(error(/index: "z" is not in the string/));
    expect(ev('"a,b,c".split(",", 1)')).toEqual(value('["a", "b,c"]'));
    expect(ev('"a,b,c".rsplit(",", 1)')).toEqual(value('["a,b", "c"]'));
    expect(ev('"  a  b c ".split()')).toEqual(value('["a", "b", "c"]'));
    expect(ev('"".split(",")')).toEqual(value('[""]'));
    expect(ev('"a,b".split("")')).toMatchObject(error(/the separator must not be empty/));
    expect(ev('"a.b.c".replace(".", "/")')).toEqual(value('a/b/c'));
    expect(ev('"ab".replace("", "x")')).toMatchObject(error(/must not be empty/));
  });

  it('classifies characters with Unicode classes', () => {
    expect(
      ev('["123".isdigit(), "١٢٣".isdigit(), "²".isdigit(), "".isdigit(), "1a".isdigit()]'),
    ).toEqual(value('[true, true, true, false, false]'));
    expect(ev('["héllo".isalpha(), "½".isalnum(), "a1".isalnum(), " \\t".isspace()]')).toEqual(
      value('[true, true, true, true]'),
    );
    expect(ev('["ABC1".isupper(), "abc".islower(), "123".isupper(), "aé".isascii()]')).toEqual(
      value('[true, true, false, false]'),
    );
  });
});

describe('EXPR repr_cmd and repr_pwsh', () => {
  it('quote for cmd.exe as RFC 0006 says', () => {
    expect(ev('repr_cmd("hello")')).toEqual(value('hello'));
    expect(ev('repr_cmd("a & b")')).toEqual(value('"a & b"'));
    expect(ev('repr_cmd("a ^ b")')).toEqual(value('"a ^^ b"'));
    expect(ev('repr_cmd("100%")')).toEqual(value('"100%%"'));
    expect(ev(`repr_cmd('say "hi"')`)).toEqual(value('"say ^"hi^""'));
    expect(ev('repr_cmd("hello!")')).toEqual(value('"hello^^!"'));
    expect(ev('repr_cmd("a\\nb")')).toEqual(value('ab'));
    expect(ev('repr_cmd("")')).toEqual(value('""'));
    expect(ev('repr_cmd(["echo", "hello & world"])')).toEqual(value('echo "hello & world"'));
  });

  it('write PowerShell literals', () => {
    expect(ev(`repr_pwsh("it's")`)).toEqual(value("'it''s'"));
    expect(ev('[repr_pwsh(42), repr_pwsh(-5), repr_pwsh(3.14), repr_pwsh(true)]')).toEqual(
      value('["42", "-5", "3.14", "$true"]'),
    );
    expect(ev('repr_pwsh(["a", "b"])')).toEqual(value("@('a', 'b')"));
    expect(ev('repr_pwsh([])')).toEqual(value('@()'));
  });
});

describe('EXPR regular expressions', () => {
  it('matches, searches and finds', () => {
    expect(ev('re_match("v042_final", "v(\\\\d+)")')).toEqual(value('["v042", "042"]'));
    expect(ev('re_match("asset_v042", "v(\\\\d+)")')).toEqual(value(''));
    expect(ev('re_search("asset_v042_final.abc", "_v(\\\\d+)")[1]')).toEqual(value('042'));
    expect(ev('re_search("render_001.exr", "_\\\\d+\\\\.exr$") != null')).toEqual(value('true'));
    expect(ev('re_findall("shot010_shot020", "shot(\\\\d+)")')).toEqual(value('["010", "020"]'));
    expect(ev('re_findall("shot010_shot020", "shot\\\\d+")')).toEqual(
      value('["shot010", "shot020"]'),
    );
    expect(ev('re_findall("v1.2 v4.5", "v(\\\\d+)\\\\.(\\\\d+)")')).toEqual(
      value('[["1", "2"], ["4", "5"]]'),
    );
    expect(ev('re_search("x ٣ y", "\\\\d")')).toEqual(value('["٣"]'));
  });

  it('substitutes literally, splits and escapes', () => {
    expect(ev('re_sub("frame_001_002", "\\\\d+", "$x")')).toEqual(value('frame_$x_$x'));
    expect(ev('re_sub("a1", "\\\\d", "\\\\1")')).toMatchObject(error(/group references/));
    expect(ev('re_split("a1b22c", "\\\\d+")')).toEqual(value('["a", "b", "c"]'));
    expect(ev('re_split("a1b22c", "(\\\\d+)", 1)')).toEqual(value('["a", "1", "b22c"]'));
    expect(ev('re_escape("file[1].txt")')).toEqual(value('file\\[1\\]\\.txt'));
    expect(ev('re_search("a#b", re_escape("#"))')).toEqual(value('["#"]'));
    expect(ev('re_sub("a" * 20000, "a", "b" * 50000)')).toMatchObject(error(/longer than 1000000/));
    expect(ev('"x".ljust(2000000)')).toMatchObject(error(/longer than 1000000/));
    expect(ev('re_search("x a-b&c~d y", re_escape("a-b&c~d y"))')).toEqual(value('["a-b&c~d y"]'));
    // in time linear in the text: a pattern that backtracks exponentially in JavaScript's engine
    // (years for this text) returns at once, well inside the test's timeout
    expect(ev(`re_search("${'a'.repeat(5000)}!", "(a+)+$")`)).toEqual(value(''));
    expect(ev(`re_findall("${'a'.repeat(5000)}!", "(a|aa)+$")`)).toEqual(value('[]'));
  });

  it('refuses what Python and Rust do not share', () => {
    expect(ev('re_search("aa", "(a)\\\\1")')).toMatchObject(error(/backreferences/));
    expect(ev('re_search("ab", "a(?=b)")')).toMatchObject(error(/lookahead and lookbehind/));
    expect(ev('re_search("ab", "")')).toMatchObject(error(/the pattern must not be empty/));
    expect(ev('re_search("ab", "(")')).toMatchObject(error(/the pattern cannot be read/));
  });
});

describe('EXPR library errors at check', () => {
  const withArg = (arg: string) => ({
    specificationVersion: 'jobtemplate-2023-09',
    extensions: ['EXPR'],
    name: 'J',
    steps: [{ name: 'S', script: { actions: { onRun: { command: 'echo', args: [arg] } } } }],
  });
  const at = 'steps[0].script.actions.onRun.args[0]';

  it('refuses a constant expression whose value cannot be computed, naming the field and why', () => {
    expect(validateTemplate(withArg('{{ 9223372036854775807 + 1 }}')).errors).toEqual([
      {
        path: at,
        message: expect.stringMatching(
          /cannot be evaluated: .*outside the 64-bit integer range/,
        ) as string,
      },
    ]);
    expect(validateTemplate(withArg('{{ int(2.5) }}')).errors[0]?.message).toMatch(
      /int: 2.5 is not a whole number: use floor, ceil or round/,
    );
    expect(
      validateTemplate(withArg('{{ re_sub("a", "(a)\\\\1", "b") }}')).errors[0]?.message,
    ).toMatch(/re_sub: the pattern uses backreferences/);
    expect(validateTemplate(withArg('{{ "frame".upper().center(9) }}')).errors).toEqual([]);
  });
});
