import { describe, expect, it } from 'vitest';
import {
  applyEnvMessages,
  maskCommand,
  parseOutputLine,
  Redactor,
} from '../../src/openjd/index.js';

describe('redacted environment variables', () => {
  it('parses openjd_redacted_env like openjd_env, keeping the value as written', () => {
    expect(parseOutputLine('openjd_redacted_env: PASS=a b=c')).toEqual({
      kind: 'redacted_env',
      name: 'PASS',
      value: 'a b=c',
    });
    expect(parseOutputLine('openjd_redacted_env: V= spaced')).toMatchObject({ value: ' spaced' });
    expect(parseOutputLine('openjd_redacted_env: KEY =x')).toMatchObject({ kind: 'malformed' });
    const events = [parseOutputLine('openjd_redacted_env: A=1')!];
    expect(applyEnvMessages({}, events)).toEqual({ A: '1' });
  });

  it('masks the setting line and every later occurrence of the value, longest value first', () => {
    const r = new Redactor();
    expect(r.mask('before hunter2')).toBe('before hunter2');
    expect(r.stdoutLine('openjd_redacted_env: P=hunter2')).toEqual({
      kept: 'openjd_redacted_env: P=********',
      event: { kind: 'redacted_env', name: 'P', value: 'hunter2' },
    });
    r.stdoutLine('openjd_redacted_env: Q=hunter2-long');
    expect(r.mask('a hunter2-long b hunter2')).toBe('a ******** b ********');
    expect(r.stdoutLine('openjd_status: got hunter2')).toEqual({
      kept: 'openjd_status: got ********',
      event: { kind: 'status', message: 'got ********' },
    });
    expect(r.stdoutLine('openjd_redacted_env: BAD NAME=zz').kept).toBe(
      'openjd_redacted_env: BAD NAME=********',
    );
    expect(r.mask('zz')).toBe('zz');
    // on stderr a setting sets nothing, and is masked all the same
    expect(r.stderrLine('openjd_redacted_env: E=on-stderr')).toBe(
      'openjd_redacted_env: E=********',
    );
    expect(r.stderrLine('err hunter2')).toBe('err ********');
  });

  it('masks a value written into a logged command', () => {
    expect(maskCommand('["bash","-c","echo openjd_redacted_env: T=abc; ls"]')).toBe(
      '["bash","-c","echo openjd_redacted_env: T=********"]',
    );
  });
});
