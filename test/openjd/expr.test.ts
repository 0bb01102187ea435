import { describe, expect, it } from 'vitest';
import { resolveFormatString } from '../../src/openjd/format-string.js';
import {
  expandStep,
  instantiateTask,
  jobName,
  resolveJobParameters,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';

const scope: Record<string, string | { type: string; value: string }> = {
  'Param.Frames': { type: 'INT', value: '24' },
  'Param.Scale': { type: 'FLOAT', value: '0.5' },
  'Param.Shot': { type: 'STRING', value: 'sh010' },
  'Param.Scene': { type: 'PATH', value: '/proj/shots/sh010.blend' },
  'Task.Param.Frame': { type: 'INT', value: '7' },
};
const ev = (s: string) => resolveFormatString(`{{ ${s} }}`, (n) => scope[n]);

describe('EXPR expressions', () => {
  it('evaluates literals, arithmetic with parameter types, comparison and boolean operators', () => {
    expect(ev('Param.Frames * 2 + 1')).toEqual({ value: '49' });
    expect(ev('Param.Frames / 4')).toEqual({ value: '6.0' });
    expect(ev('Param.Frames // 5')).toEqual({ value: '4' });
    expect(ev('-7 % 3')).toEqual({ value: '2' });
    expect(ev('2 ** 10')).toEqual({ value: '1024' });
    expect(ev('Param.Scale * 3')).toEqual({ value: '1.5' });
    expect(ev('(1 + 2) * 3')).toEqual({ value: '9' });
    expect(ev('\'a\' + "b"')).toEqual({ value: 'ab' });
    expect(ev('1 < Task.Param.Frame <= 7')).toEqual({ value: 'true' });
    expect(ev('Param.Frames > 10 and Param.Shot == "sh010"')).toEqual({ value: 'true' });
    expect(ev('not (1 in [1, 2])')).toEqual({ value: 'false' });
    expect(ev('"sh" in Param.Shot')).toEqual({ value: 'true' });
    expect(ev('"hi" if Param.Frames > 100 else "lo"')).toEqual({ value: 'lo' });
    expect(ev('null')).toEqual({ value: '' });
    expect(ev('[1, 2, 3][-1]')).toEqual({ value: '3' });
    expect(ev('Param.Shot[2:]')).toEqual({ value: '010' });
  });

  it('calls functions, the same functions as methods, and path properties', () => {
    expect(ev('string(Task.Param.Frame).zfill(4)')).toEqual({ value: '0007' });
    expect(ev('zfill(Task.Param.Frame, 4)')).toEqual({ value: '0007' });
    expect(ev('Param.Shot.upper()')).toEqual({ value: 'SH010' });
    expect(ev('Param.Scene.stem + "_" + string(Task.Param.Frame)')).toEqual({ value: 'sh010_7' });
    expect(ev('Param.Scene.parent / "renders"')).toEqual({ value: '/proj/shots/renders' });
    expect(ev('Param.Scene.with_suffix(".exr")')).toEqual({ value: '/proj/shots/sh010.exr' });
    expect(ev('min(Param.Frames, Task.Param.Frame + 100)')).toEqual({ value: '24' });
    expect(ev('max([1.5, 2])')).toEqual({ value: '2.0' });
    expect(ev('len(Param.Shot) + int("3") + round(2.6)')).toEqual({ value: '11' });
    expect(ev('" ".join([Param.Shot, "x"])')).toEqual({ value: 'sh010 x' });
    expect(ev('sum(range(1, Task.Param.Frame + 1))')).toEqual({ value: '28' });
  });

  it('says why an expression cannot be evaluated', () => {
    expect(ev('1 / 0')).toEqual({ error: '{{ 1 / 0 }}: division by zero' });
    expect(ev('Param.Shot - 1')).toMatchObject({
      error: expect.stringMatching(/a string - an int is not defined/) as string,
    });
    expect(ev('frobnicate(1)')).toMatchObject({
      error: expect.stringMatching(
        /uses function `frobnicate`, which this tool does not evaluate/,
      ) as string,
    });
    expect(ev('[x for x in 1]')).toMatchObject({
      error: expect.stringMatching(/a list comprehension walks a list, not an int/) as string,
    });
    expect(ev('[1, null]')).toMatchObject({
      error: expect.stringMatching(/the result is a list holding null/) as string,
    });
    expect(ev('9223372036854775807 + 1')).toMatchObject({
      error: expect.stringMatching(/outside the 64-bit integer range/) as string,
    });
  });
});

/** Shaped like a Deadline Cloud render bundle that names its outputs with expressions. */
const renderBundle = (extensions: string[]) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions,
  name: '{{ "render " + RawParam.Scene.stem }} x{{ Param.Frames }}',
  parameterDefinitions: [
    { name: 'Scene', type: 'PATH', default: '/proj/sh010.blend' },
    { name: 'Frames', type: 'INT', default: 3 },
    { name: 'ChunkSize', type: 'INT', default: 2 },
  ],
  steps: [
    {
      name: 'Render',
      parameterSpace: {
        taskParameterDefinitions: [
          { name: 'Frame', type: 'INT', range: '1-{{ Param.Frames * Param.ChunkSize }}' },
        ],
      },
      script: {
        actions: {
          onRun: {
            command: 'render',
            args: [
              '--out',
              '{{ Param.Scene.parent / "out" / (Param.Scene.stem + "_" + string(Task.Param.Frame).zfill(4) + ".exr") }}',
              '--last',
              '{{ "yes" if Task.Param.Frame == Param.Frames * Param.ChunkSize else "no" }}',
            ],
          },
        },
      },
    },
  ],
});

describe('EXPR in a template', () => {
  it('runs a template shaped like a Deadline sample: ranges, names and arguments computed', () => {
    const v = validateTemplate(renderBundle(['EXPR']));
    expect(v.errors).toEqual([]);
    const t = v.template as JobTemplate;
    const values = resolveJobParameters(t, {}).values;
    expect(jobName(t, values)).toEqual({ name: 'render sh010 x3' });
    const tasks = expandStep(t, 'Render', values);
    expect(tasks).toHaveLength(6);
    const cmd = instantiateTask(t, 'Render', tasks[5]!.params, values, '/s');
    expect(cmd.argv).toEqual(['render', '--out', '/proj/out/sh010_0006.exr', '--last', 'yes']);
  });

  it('refuses expressions without the extension, naming the field and the expression', () => {
    const v = validateTemplate(renderBundle([]));
    expect(v.errors).toContainEqual({
      path: 'steps[0].parameterSpace.taskParameterDefinitions[0].range',
      message: expect.stringMatching(
        /^\{\{ Param\.Frames \* Param\.ChunkSize \}\} is an expression, not a value reference: list EXPR/,
      ) as string,
    });
  });

  it('refuses at check what it would not evaluate: unknown functions, properties and names', () => {
    const doc = renderBundle(['EXPR']);
    doc.steps[0]!.script.actions.onRun.args[1] =
      '{{ Param.Scene.drive + glob("*.exr") + Param.Nope }}';
    const v = validateTemplate(doc);
    const at = 'steps[0].script.actions.onRun.args[1]';
    const expr = '{{ Param.Scene.drive + glob("*.exr") + Param.Nope }}';
    expect(v.errors).toEqual(
      expect.arrayContaining([
        { path: at, message: `${expr} uses property \`drive\`, which this tool does not evaluate` },
        { path: at, message: `${expr} uses function \`glob\`, which this tool does not evaluate` },
        {
          path: at,
          message: `${expr} uses Param.Nope, which is not defined here: no job parameter has that name; define it in parameterDefinitions`,
        },
      ]),
    );
    const withLet = { ...renderBundle(['EXPR']), let: ['x = 1'] };
    // a `let` stands on steps, scripts, environments' scripts and simple actions only
    expect(validateTemplate(withLet).errors.map((p) => p.path)).toContain('let');
    doc.steps[0]!.script.actions.onRun.args[1] = '{{ lambda x: x }}';
    expect(validateTemplate(doc).errors[0]?.message).toMatch(/cannot be read: lambda expressions/);
  });
});
