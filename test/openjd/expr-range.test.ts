import { describe, expect, it } from 'vitest';
import { evaluateExpression, type ExprLookup } from '../../src/openjd/expr-eval.js';
import {
  expandStep,
  instantiateTask,
  resolveJobParameters,
  stepSlice,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';

/** EXPR's range_expr value (RFC 0005 types, RFC 0006 `range_expr`): made, walked, written. */

// Frames is a RANGE_EXPR parameter (given in a descending, stepped form); Chunk a task's chunk
const lookup: ExprLookup = (name) =>
  name === 'Param.Frames'
    ? { type: 'RANGE_EXPR', value: '1-5:2,10,14-12:-1' }
    : name === 'Task.Param.Chunk'
      ? { type: 'CHUNK[INT]', value: '5-9:2' }
      : undefined;
const ev = (src: string) => evaluateExpression(src, lookup);
const out = (src: string) => {
  const r = ev(src);
  expect(r).toHaveProperty('value');
  return (r as { value: string }).value;
};

describe('a range_expr value', () => {
  it('is written in its canonical form, by string() and format strings alike', () => {
    expect(out('Param.Frames')).toBe('1-5:2,10,12-14');
    expect(out('string(range_expr("3,1,2"))')).toBe('1-3');
    expect(out('range_expr("1-3,4-6")')).toBe('1-6');
    expect(out('range_expr([9, 1, 3, 5, 5])')).toBe('1-5:2,9');
    expect(out('range_expr("4,6")')).toBe('4,6');
    expect(out('"frames " + range_expr("1-3")')).toBe('frames 1-3');
    expect(out('range_expr("1-3") + "!"')).toBe('1-3!');
    expect(out('repr_py(Param.Frames)')).toBe("'1-5:2,10,12-14'");
    expect(out('repr_json(range_expr("1-2"))')).toBe('"1,2"');
  });

  it('has a length, members, items by position and aggregates, without listing the values', () => {
    expect(out('len(Param.Frames)')).toBe('7');
    expect(out('[10 in Param.Frames, 11 in Param.Frames, 4 not in Param.Frames]')).toBe(
      '[true, false, true]',
    );
    expect(out('[Param.Frames[0], Param.Frames[3], Param.Frames[-1]]')).toBe('[1, 10, 14]');
    expect(ev('Param.Frames[7]')).toEqual({
      error: '{{ Param.Frames[7] }}: index 7 is out of range',
    });
    expect(out('[min(Param.Frames), max(Param.Frames), sum(Param.Frames)]')).toBe('[1, 14, 58]');
    expect(out('len(range_expr("1-100000000000"))')).toBe('100000000000');
    expect(out('99999999999 in range_expr("1-100000000000")')).toBe('true');
  });

  it('lists, concatenates and compares as a list of its ints', () => {
    expect(out('list(Param.Frames)')).toBe('[1, 3, 5, 10, 12, 13, 14]');
    expect(out('[x * 2 for x in range_expr("1-3") if x != 2]')).toBe('[2, 6]');
    expect(out('[0] + range_expr("1-2")')).toBe('[0, 1, 2]');
    expect(out('range_expr("1-2") + range_expr("8-9")')).toBe('[1, 2, 8, 9]');
    expect(out('[range_expr("1-3") == [1, 2, 3], [1, 2] == range_expr("1-3")]')).toBe(
      '[true, false]',
    );
    expect(out('range_expr("1-3") == range_expr("1,2,3")')).toBe('true');
    expect(out('range_expr("1-3") == "1-3"')).toBe('false');
    expect(out('range_expr("1-100000000000") == range_expr("1-100000000001")')).toBe('false');
  });

  it('slices to a range_expr, or a list when walked backwards', () => {
    expect(out('Param.Frames[1:3]')).toBe('3,5');
    expect(out('Param.Frames[::3]')).toBe('1,10,14');
    expect(out('Param.Frames[::-2]')).toBe('[14, 12, 5, 1]');
  });

  it('is what a task chunk is in expressions, though the chunk writes as it was made', () => {
    expect(out('Task.Param.Chunk')).toBe('5-9:2');
    expect(out('[len(Task.Param.Chunk), Task.Param.Chunk[-1]]')).toBe('[3, 9]');
    expect(out('["f" + string(x) for x in Task.Param.Chunk]')).toBe('["f5", "f7", "f9"]');
  });

  it('refuses what a range_expr cannot be', () => {
    expect(ev('range_expr("1-3,2")')).toHaveProperty('error');
    expect(ev('range_expr(["a"])')).toHaveProperty('error');
    expect(ev('"a" in range_expr("1-3")')).toHaveProperty('error');
    expect(ev('range_expr("1-3") + 1')).toHaveProperty('error');
  });

  it('reads as its text where a string is wanted', () => {
    expect(out('range_expr("1-3") * 2')).toBe('1-31-3');
    expect(out('upper("f" + range_expr("1,2"))')).toBe('F1,2');
  });
});

type Doc = Record<string, unknown>;

const chunkedJob = (args: string[]): Doc => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions: ['EXPR', 'TASK_CHUNKING'],
  name: 'J',
  parameterDefinitions: [{ name: 'Frames', type: 'RANGE_EXPR', default: '1-6' }],
  steps: [
    {
      name: 'S',
      parameterSpace: {
        taskParameterDefinitions: [
          {
            name: 'Frame',
            type: 'CHUNK[INT]',
            range: '{{ Param.Frames }}',
            chunks: { defaultTaskCount: 4, rangeConstraint: 'CONTIGUOUS' },
          },
        ],
      },
      script: { actions: { onRun: { command: 'echo', args } } },
    },
  ],
});

function argvs(doc: Doc): string[][] {
  const v = validateTemplate(doc);
  expect(v.errors).toEqual([]);
  const t = v.template as JobTemplate;
  const r = resolveJobParameters(t, {});
  expect(r.errors).toEqual([]);
  return expandStep(t, 'S', r.values).map(
    (task) => instantiateTask(stepSlice(t, 'S'), 'S', task.params, r.values, '/s').argv,
  );
}

describe('range_expr in templates', () => {
  it('types RANGE_EXPR parameters and chunks as range_expr at check and on the host', () => {
    expect(
      argvs(
        chunkedJob([
          '{{ Task.Param.Frame }}',
          '{{ len(Task.Param.Frame) }}',
          '{{ string([f * 10 for f in Task.Param.Frame]) }}',
          '{{ list(Param.Frames)[-1] + max(Param.Frames) }}',
          '{{ Param.Frames[2:4] }}',
        ]),
      ),
    ).toEqual([
      ['echo', '1-3', '3', '[10, 20, 30]', '12', '3,4'],
      ['echo', '4-6', '3', '[40, 50, 60]', '12', '3,4'],
    ]);
  });

  it('refuses at check what a range_expr does not do', () => {
    const errors = validateTemplate(
      chunkedJob(['{{ Task.Param.Frame + 1 }}', '{{ "5" in Param.Frames }}']),
    ).errors;
    expect(errors.map((e) => e.path)).toEqual([
      'steps[0].script.actions.onRun.args[0]',
      'steps[0].script.actions.onRun.args[1]',
    ]);
    expect(errors[0]?.message).toMatch(/cannot take \(range_expr, int\)/);
  });
});
