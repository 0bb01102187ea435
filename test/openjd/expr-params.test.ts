import { describe, expect, it } from 'vitest';
import { openjdPayload } from '../../src/coordinator/jobs/openjd-payload.js';
import {
  expandStep,
  instantiateTask,
  parseParameterArgs,
  resolveJobParameters,
  stepSlice,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';
import { mergeParameterDefinitions } from '../../src/openjd/parameter-merge.js';
import type { JobParameterDefinition } from '../../src/openjd/schema/parameters.js';

/** EXPR's RANGE_EXPR and list job parameters (RFC 0007): definitions, values, expressions, ranges. */

type Doc = Record<string, unknown>;

/** A job with the parameters `params` whose one step echoes `args` (with `space`, if given). */
const job = (params: Doc[], args: string[] = ['x'], space?: Doc, extensions = ['EXPR']): Doc => ({
  specificationVersion: 'jobtemplate-2023-09',
  ...(extensions.length ? { extensions } : {}),
  name: 'J',
  parameterDefinitions: params,
  steps: [
    {
      name: 'S',
      ...(space ? { parameterSpace: { taskParameterDefinitions: [space] } } : {}),
      script: { actions: { onRun: { command: 'echo', args } } },
    },
  ],
});

const valid = (doc: unknown): JobTemplate => {
  const v = validateTemplate(doc);
  expect(v.errors).toEqual([]);
  return v.template as JobTemplate;
};
const messages = (doc: unknown) =>
  validateTemplate(doc).errors.map((p) => `${p.path}: ${p.message}`);

/** The argv of each task of step S, with `given` job parameter values. */
function argvs(t: JobTemplate, given: Doc = {}): string[][] {
  const r = resolveJobParameters(t, given);
  expect(r.errors).toEqual([]);
  return expandStep(t, 'S', r.values).map(
    (task) => instantiateTask(stepSlice(t, 'S'), 'S', task.params, r.values, '/s').argv,
  );
}

describe('list and RANGE_EXPR job parameters: definitions', () => {
  it('need the EXPR extension, and take their type name in any case with it', () => {
    expect(messages(job([{ name: 'L', type: 'LIST[INT]' }], ['x'], undefined, []))).toEqual([
      'parameterDefinitions[0].type: LIST[INT] parameters need the EXPR extension: list EXPR in extensions, or use a STRING parameter',
    ]);
    const t = valid(
      job([
        { name: 'A', type: 'list[list[int]]', default: [[1], [2, 3]] },
        { name: 'B', type: 'Range_Expr', default: '1-3' },
        { name: 'C', type: 'List[Bool]', default: ['yes', 0] },
      ]),
    );
    expect(t.parameterDefinitions?.map((d) => d.type)).toEqual([
      'LIST[LIST[INT]]',
      'RANGE_EXPR',
      'LIST[BOOL]',
    ]);
    expect(messages(job([{ name: 'A', type: 'LIST[LIST[LIST[INT]]]' }]))).toEqual([
      expect.stringMatching(/^parameterDefinitions\[0\]\.type: /),
    ]);
  });

  it('hold a default to the list and item constraints, naming the item', () => {
    const one = (def: Doc) => messages(job([{ name: 'L', ...def }]));
    expect(one({ type: 'LIST[STRING]', default: ['a', 'b', 'c'], maxLength: 2 })).toEqual([
      'parameterDefinitions[0].default: has 3 items; at most 2 are allowed (maxLength)',
    ]);
    expect(one({ type: 'LIST[INT]', default: [1, 50], item: { maxValue: 10 } })).toEqual([
      'parameterDefinitions[0].default: item 1: 50 is more than the maximum 10',
    ]);
    expect(
      one({ type: 'LIST[LIST[INT]]', default: [[1], [2, 3, 4]], item: { maxLength: 2 } }),
    ).toEqual([
      'parameterDefinitions[0].default: item 1: has 3 items; at most 2 are allowed (maxLength)',
    ]);
    expect(one({ type: 'LIST[PATH]', default: ['/a'], item: { allowedValues: ['/b'] } })).toEqual([
      'parameterDefinitions[0].default: item 0: "/a" is not one of the allowed values "/b"',
    ]);
    expect(one({ type: 'LIST[BOOL]', default: [true], item: {} })).toEqual([
      expect.stringMatching(/^parameterDefinitions\[0\]\.item: is not a property here/),
    ]);
    expect(one({ type: 'RANGE_EXPR', default: '1-x' })).toEqual([
      expect.stringMatching(
        /^parameterDefinitions\[0\]\.default: "1-x" is not a range expression: "1-x" is not an element/,
      ),
    ]);
    valid(job([{ name: 'L', type: 'LIST[INT]', default: [1, '9223372036854775807'] }]));
  });

  it("take the list controls, with a list spin box's fields", () => {
    valid(
      job([
        {
          name: 'L',
          type: 'LIST[FLOAT]',
          userInterface: { control: 'SPIN_BOX_LIST', decimals: 2, singleStepDelta: 0.5 },
        },
      ]),
    );
    expect(
      messages(job([{ name: 'L', type: 'LIST[STRING]', userInterface: { control: 'LINE_EDIT' } }])),
    ).toEqual([expect.stringMatching(/^parameterDefinitions\[0\]\.userInterface\.control: /)]);
  });

  it("merge a default forward and hold it to the job template's constraints", () => {
    const defs: JobParameterDefinition[] = [
      { name: 'L', type: 'LIST[INT]', default: ['1', '2', '3'] },
      { name: 'L', type: 'LIST[INT]', maxLength: 2 },
    ];
    const r = mergeParameterDefinitions(defs.map((d, i) => ({ where: `t${i}`, defs: [d] })));
    expect(r.errors.map((p) => p.message)).toEqual([
      'default has 3 items; at most 2 are allowed (maxLength)',
    ]);
  });
});

describe('list and RANGE_EXPR job parameters: values', () => {
  // made in each test, so that each fails on its own where these types are unknown
  const tpl = () =>
    valid(
      job([
        { name: 'Tags', type: 'LIST[STRING]', maxLength: 2, item: { allowedValues: ['a', 'b'] } },
        { name: 'Big', type: 'LIST[INT]', default: [1] },
        { name: 'Scales', type: 'LIST[FLOAT]', default: [1] },
        { name: 'Frames', type: 'RANGE_EXPR', default: '1-3' },
      ]),
    );

  it('read a value given as JSON text (-p Name=[...]) or as a list, keeping numbers as written', () => {
    const t = tpl();
    const p = parseParameterArgs(['Tags=["a", "b"]', 'Big=[9223372036854775807]']).values;
    const r = resolveJobParameters(t, { ...p, Scales: '[0.5, 1.0, 2e3]' });
    expect(r.errors).toEqual([]);
    expect(r.values).toMatchObject({
      Tags: { type: 'LIST[STRING]', value: '["a", "b"]' },
      Big: { type: 'LIST[INT]', value: '[9223372036854775807]' },
      Scales: { type: 'LIST[FLOAT]', value: '[0.5, 1.0, 2e3]' },
    });
    expect(resolveJobParameters(t, { Tags: ['b'] }).values.Tags?.value).toBe('["b"]');
  });

  it("refuse a value outside the constraints, or not a list, saying what's wrong", () => {
    const t = tpl();
    const errors = (given: Doc) => resolveJobParameters(t, given).errors;
    expect(errors({ Tags: ['a', 'z'] })).toEqual([
      { path: 'Tags', message: 'item 1: "z" is not one of the allowed values "a", "b"' },
    ]);
    expect(errors({ Tags: '["a","b","a"]' })).toEqual([
      { path: 'Tags', message: 'has 3 items; at most 2 are allowed (maxLength)' },
    ]);
    expect(errors({ Tags: 'a,b' })).toEqual([
      { path: 'Tags', message: 'must be a list, such as ["a", "b"] (JSON when given as text)' },
    ]);
    expect(errors({ Tags: ['a'], Frames: '1-abc' })).toEqual([
      {
        path: 'Frames',
        message: expect.stringMatching(/^"1-abc" is not a range expression/) as string,
      },
    ]);
  });

  it("join a LIST[PATH] default's items with the template's directory, each held inside it", () => {
    const paths = (def: unknown[]) =>
      resolveJobParameters(
        valid(job([{ name: 'P', type: 'LIST[PATH]', default: def }])),
        {},
        {
          relativePathsFrom: '/jobs/t',
        },
      );
    expect(paths(['a.exr', 'sub/../b.exr']).values.P?.value).toBe(
      '["/jobs/t/a.exr", "/jobs/t/b.exr"]',
    );
    expect(paths(['a.exr', '../out']).errors).toEqual([
      {
        path: 'P',
        message: expect.stringMatching(/^item 1: its default "..\/out" leads out of/) as string,
      },
    ]);
    expect(paths(['/abs']).errors[0]?.message).toMatch(/^item 0: its default "\/abs" is absolute/);
    // a given value's relative items are joined with the directory it was given in
    const given = resolveJobParameters(
      valid(job([{ name: 'P', type: 'LIST[PATH]' }])),
      { P: ['r/a', '/abs/b'] },
      { givenPathsFrom: { P: '/home/u' } },
    );
    expect(given.values.P?.value).toBe('["/home/u/r/a", "/abs/b"]');
  });

  it("travel in an OpenJD task's payload", () => {
    const t = tpl();
    const values = resolveJobParameters(t, { Tags: ['a'] }).values;
    const payload = { step: 'S', stepIndex: 0, index: 0, label: 'S', params: {}, template: t };
    expect(openjdPayload.safeParse({ ...payload, jobParameters: values }).success).toBe(true);
  });
});

describe('list and RANGE_EXPR job parameters in expressions and task ranges', () => {
  it('are lists in expressions, with items of the item type', () => {
    const t = valid(
      job(
        [
          { name: 'Items', type: 'LIST[STRING]', default: ['x', 'y z'] },
          { name: 'M', type: 'LIST[LIST[INT]]', default: [[1, 2], [3]] },
          { name: 'Flags', type: 'LIST[BOOL]', default: ['on', 0] },
          { name: 'Files', type: 'LIST[PATH]', default: ['/r/a.exr'] },
        ],
        [
          '{{ Param.Items }}',
          '{{ len(Param.Items) }}:{{ Param.Items[-1] }}',
          '{{ Param.M[0][1] + Param.M[1][0] }}:{{ len(Param.M[0]) }}',
          '{{ Param.Flags }}:{{ not Param.Flags[1] }}',
          '{{ Param.Files[0].stem }}:{{ RawParam.Files }}',
        ],
      ),
    );
    expect(argvs(t)).toEqual([
      // a whole-argument list is one argument per item
      ['echo', 'x', 'y z', '2:y z', '5:2', '[true, false]:true', 'a:["/r/a.exr"]'],
    ]);
  });

  it('give a task parameter its values from a list parameter or a RANGE_EXPR', () => {
    const strings = valid(
      job(
        [{ name: 'Cams', type: 'LIST[STRING]', default: ['main', 'close'] }],
        ['{{Task.Param.C}}'],
        {
          name: 'C',
          type: 'STRING',
          range: '{{Param.Cams}}',
        },
      ),
    );
    expect(argvs(strings)).toEqual([
      ['echo', 'main'],
      ['echo', 'close'],
    ]);
    expect(argvs(strings, { Cams: '["only"]' })).toEqual([['echo', 'only']]);
    const floats = valid(
      job([{ name: 'S', type: 'LIST[FLOAT]' }], ['{{Task.Param.F}}'], {
        name: 'F',
        type: 'FLOAT',
        range: '{{Param.S}}',
      }),
    );
    expect(argvs(floats, { S: '[0.5, 1.0]' })).toEqual([
      ['echo', '0.5'],
      ['echo', '1.0'],
    ]);
    const frames = valid(
      job([{ name: 'Fr', type: 'RANGE_EXPR', default: '5-1:-2,10' }], ['{{Task.Param.N}}'], {
        name: 'N',
        type: 'INT',
        range: '{{Param.Fr}}',
      }),
    );
    expect(argvs(frames).map((a) => a[1])).toEqual(['1', '3', '5', '10']);
  });

  it('give a CHUNK[INT] task parameter its frames from a RANGE_EXPR', () => {
    const t = valid({
      ...job([{ name: 'Fr', type: 'RANGE_EXPR', default: '1-5' }], ['{{Task.Param.N}}'], {
        name: 'N',
        type: 'CHUNK[INT]',
        range: '{{Param.Fr}}',
        chunks: { defaultTaskCount: 2, rangeConstraint: 'CONTIGUOUS' },
      }),
      extensions: ['EXPR', 'TASK_CHUNKING'],
    });
    expect(argvs(t).map((a) => a[1])).toEqual(['1-2', '3-4', '5-5']);
    expect(argvs(t, { Fr: '10,12' }).map((a) => a[1])).toEqual(['10-10', '12-12']);
  });

  it('refuse a string range of a STRING task parameter without EXPR', () => {
    const doc = job([{ name: 'Cams', type: 'STRING' }], ['x'], {
      name: 'C',
      type: 'STRING',
      range: '{{Param.Cams}}',
    });
    expect(messages({ ...doc, extensions: undefined })).toEqual([
      'steps[0].parameterSpace.taskParameterDefinitions[0].range: must be a list of values for a STRING parameter: a string range that gives a list needs the EXPR extension',
    ]);
  });
});
