import { describe, expect, it } from 'vitest';
import {
  parseFormatString,
  referencesIn,
  resolveFormatString,
} from '../../src/openjd/format-string.js';
import { matching } from './helpers/matching.js';

describe('format strings', () => {
  it('splits literal text from references, allowing spaces inside the braces', () => {
    expect(parseFormatString('frame {{ Task.Param.Frame }} of {{Param.Shot}}')).toEqual({
      parts: [
        { text: 'frame ' },
        { ref: 'Task.Param.Frame' },
        { text: ' of ' },
        { ref: 'Param.Shot' },
      ],
    });
    expect(referencesIn('no references')).toEqual([]);
  });

  it('refuses a closing pair before any opening one, and an opening pair never closed', () => {
    expect(parseFormatString('awk {print}} x')).toMatchObject({
      error: matching(/no opening/),
    });
    expect(parseFormatString('a {{Param.X')).toMatchObject({
      error: matching(/no closing/),
    });
  });

  it('reads anything else between the braces as an expression (EXPR), and refuses empty braces', () => {
    expect(parseFormatString('{{ Param.1X }}')).toEqual({ parts: [{ expr: 'Param.1X' }] });
    expect(parseFormatString('{{}}')).toMatchObject({ error: matching(/is empty/) });
  });

  it('resolves every reference and reports one that has no value', () => {
    const lookup = (n: string) => ({ 'Param.A': '1; rm -rf /' })[n];
    expect(resolveFormatString('x={{Param.A}}', lookup)).toEqual({ value: 'x=1; rm -rf /' });
    expect(resolveFormatString('{{Param.B}}', lookup)).toEqual({
      error: '{{Param.B}} has no value here',
    });
  });
});
