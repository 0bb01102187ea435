import { describe, expect, it } from 'vitest';
import { applyEnvMessages, parseOutput, parseOutputLine } from '../../src/openjd/index.js';
import { matching } from './helpers/matching.js';

describe('stdout messages', () => {
  it('understands progress, status, fail, env, unset_env and our metric lines', () => {
    const out = [
      'plain output',
      'openjd_progress: 42.5',
      'openjd_status: rendering tile 3',
      'openjd_fail: out of memory',
      'openjd_env: PATH=/opt/bin:/usr/bin',
      'openjd_unset_env: TMP',
      'openjd_metric: psnr=31.2\r',
    ].join('\n');
    expect(parseOutput(out)).toEqual([
      { kind: 'progress', percent: 42.5 },
      { kind: 'status', message: 'rendering tile 3' },
      { kind: 'fail', message: 'out of memory' },
      { kind: 'env', name: 'PATH', value: '/opt/bin:/usr/bin' },
      { kind: 'unset_env', name: 'TMP' },
      { kind: 'metric', name: 'psnr', value: 31.2 },
    ]);
  });

  it('marks lines that start like a message but do not parse', () => {
    expect(parseOutputLine('openjd_progress: 150')).toMatchObject({
      kind: 'malformed',
      why: matching(/0 to 100/),
    });
    expect(parseOutputLine('openjd_env: =x')).toMatchObject({ kind: 'malformed' });
    expect(parseOutputLine('openjd_metric: loss=abc')).toMatchObject({ kind: 'malformed' });
    expect(parseOutputLine('openjd_progres: 5')).toBeNull();
  });

  it('applies env messages with an unset winning over a set of the same variable', () => {
    const events = parseOutput([
      'openjd_env: A=1',
      'openjd_env: B=2',
      'openjd_unset_env: B',
      'openjd_unset_env: C',
    ]);
    expect(applyEnvMessages({ C: 'c' }, events)).toEqual({ A: '1' });
  });
});
