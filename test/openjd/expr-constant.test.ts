import { describe, expect, it } from 'vitest';
import { resolveFormatString } from '../../src/openjd/format-string.js';
import { validateTemplate } from '../../src/openjd/index.js';

const withArg = (arg: string, bindings?: string[]) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions: ['EXPR'],
  name: 'J',
  parameterDefinitions: [{ name: 'N', type: 'INT', default: 1 }],
  steps: [
    {
      name: 'S',
      ...(bindings ? { let: bindings } : {}),
      script: { actions: { onRun: { command: 'echo', args: [arg] } } },
    },
  ],
});
const at = 'steps[0].script.actions.onRun.args[0]';

describe('EXPR expressions that reference nothing', () => {
  it('are evaluated at check: a type error or a list holding null is refused there', () => {
    expect(validateTemplate(withArg('{{ "take" + 5 }}')).errors).toEqual([
      {
        path: at,
        message: expect.stringMatching(/^\{\{ "take" \+ 5 \}\} cannot be evaluated: /) as string,
      },
    ]);
    expect(validateTemplate(withArg('{{ [1, null] }}')).errors[0]?.message).toMatch(
      /cannot be evaluated: the result is a list holding null/,
    );
    // a list is written as string() writes it (RFC 0005 "Format String Coercion to String")
    expect(validateTemplate(withArg('{{ [1, 2] }}')).errors).toEqual([]);
    // a binding's value may be a list; its use is what is written
    expect(validateTemplate(withArg('{{ pair[0] }}', ['pair = [1, 2]'])).errors).toEqual([]);
    expect(validateTemplate(withArg('{{ 2 ** 3 }}')).errors).toEqual([]);
    // evaluated within bounds: a huge string is refused, not made
    expect(validateTemplate(withArg('{{ len("ab" * 900000000) }}')).errors[0]?.message).toMatch(
      /longer than 1000000 characters/,
    );
  });

  it('take only a bool as the condition of "if"', () => {
    expect(validateTemplate(withArg('{{ "y" if 1 else "n" }}')).errors[0]?.message).toMatch(
      /the condition of "if" must be a bool, not an int/,
    );
    const ev = (s: string) =>
      resolveFormatString(`{{ ${s} }}`, (n) =>
        n === 'Param.N' ? { type: 'INT', value: '0' } : undefined,
      );
    expect(ev('"y" if Param.N else "n"')).toMatchObject({
      error: expect.stringMatching(/must be a bool/) as string,
    });
    expect(ev('"y" if Param.N > 0 else "n"')).toEqual({ value: 'n' });
  });
});
