import { describe, expect, it } from 'vitest';
import { inferType, type SymbolTypes } from '../../src/openjd/expr-infer.js';
import { parseExpression } from '../../src/openjd/expr-parse.js';
import { parameterType } from '../../src/openjd/expr-symbol-types.js';
import { typeName } from '../../src/openjd/expr-types.js';
import { validateTemplate } from '../../src/openjd/index.js';
import { validateEnvironmentTemplate } from '../../src/openjd/environment-template.js';

// A job whose expressions reference values known only when the job runs: the type check is
// what refuses them at check (constant ones are evaluated there anyway).
const job = (
  args: string[],
  opts: { stepLet?: string[]; scriptLet?: string[]; name?: string } = {},
) => ({
  specificationVersion: 'jobtemplate-2023-09',
  extensions: ['EXPR'],
  name: opts.name ?? 'J',
  parameterDefinitions: [
    { name: 'Shot', type: 'STRING', default: 'sh010' },
    { name: 'Count', type: 'INT', default: 3 },
    { name: 'Scale', type: 'FLOAT', default: 0.5 },
    { name: 'Out', type: 'PATH', default: '/out' },
    { name: 'Fast', type: 'BOOL', default: true },
  ],
  steps: [
    {
      name: 'S',
      ...(opts.stepLet ? { let: opts.stepLet } : {}),
      parameterSpace: {
        taskParameterDefinitions: [
          { name: 'Frame', type: 'INT', range: '1-3' },
          { name: 'Take', type: 'STRING', range: ['a', 'b'] },
        ],
      },
      script: {
        ...(opts.scriptLet ? { let: opts.scriptLet } : {}),
        actions: { onRun: { command: 'render', args } },
      },
    },
  ],
});
const errors = (args: string[], opts?: Parameters<typeof job>[1]) =>
  validateTemplate(job(args, opts)).errors;
const at = (i: number) => `steps[0].script.actions.onRun.args[${i}]`;

describe('EXPR static type checking at check and submit', () => {
  it('refuses an operator no signature accepts, with the field and what to change', () => {
    expect(errors(['{{ Param.Shot + 1 }}'])).toEqual([
      {
        path: at(0),
        message:
          '{{ Param.Shot + 1 }} has a type error: the operator + cannot take (string, int): convert an operand, for example with string(x), int(x) or float(x)',
      },
    ]);
    expect(errors(['{{ Task.Param.Frame * "x" + Task.Param.Take }}'])[0]?.message).toMatch(
      /has a type error: the operator \+ cannot take \(string, string\)|cannot take \(int, string\)/,
    );
    expect(errors(['{{ -Param.Shot }}'])[0]?.message).toMatch(
      /unary - does not take \(string\); it takes \(int\) or \(float\)/,
    );
  });

  it('accepts what the signatures and coercions allow', () => {
    expect(
      errors([
        '{{ Param.Count + Param.Scale }}', // int with float
        '{{ Param.Out / "frames" / Param.Shot }}', // path / string
        '{{ Param.Shot + "_" + string(Task.Param.Frame).zfill(4) }}',
        '{{ Param.Out.name.upper() }}', // a property, then a method
        '{{ startswith(Param.Out, "/") }}', // a path converts to a string argument
        '{{ "hi" if Param.Fast else "lo" }}',
        '{{ Param.Fast and Param.Shot }}', // value-returning and/or
        '{{ Task.Param.Frame in [1, 2.0] }}',
        '{{ RawParam.Out.upper() }}', // RawParam of a PATH is its text
        // the one scalar an argument may be: converted when the value allows (RFC 0005 1.2.3)
        '{{ startswith(Param.Count, "1") }}',
        '{{ Param.Shot.zfill(Param.Scale) }}',
      ]),
    ).toEqual([]);
  });

  it('does not convert the receiver of a method (RFC 0005 function vs method coercion)', () => {
    const [e] = errors(['{{ Param.Out.startswith("/") }}']);
    expect(e?.message).toMatch(
      /the method \.startswith\(\) does not take \(path, string\); it takes \(string, string\): a method's receiver is not converted, so write startswith\(x, \.\.\.\) to convert it/,
    );
  });

  it('takes only a bool as the condition of "if", even a value known only when the job runs', () => {
    expect(errors(['{{ "a" if Task.Param.Frame else "b" }}'])[0]?.message).toMatch(
      /the condition of "a if condition else b" must be a bool, not int: compare it/,
    );
    expect(errors(['{{ "a" if Task.Param.Frame > 1 else "b" }}'])).toEqual([]);
  });

  it('refuses null in a list and items of no common type', () => {
    expect(errors(['{{ [Param.Count, null] }}'])[0]?.message).toMatch(/a list cannot hold null/);
    expect(errors(['{{ len([Param.Count, Param.Shot]) }}'])[0]?.message).toMatch(
      /the items of a list must have one type, not int and string/,
    );
    expect(errors(['{{ len([Param.Count, Param.Scale]) }}'])).toEqual([]);
    expect(errors(['{{ len([[[Param.Count]]]) }}'])[0]?.message).toMatch(/at most two deep/);
    expect(errors(['{{ len([Param.Out, "b"]) }}'])).toEqual([]); // path with string: strings
  });

  it('types a let binding by its expression, for the bindings and fields after it', () => {
    // step let (at submission), used in the script and in the script's own let
    const opts = { stepLet: ['label = Param.Shot.upper()'], scriptLet: ['n = label + 1'] };
    expect(errors(['{{ label }}'], opts)).toEqual([
      {
        path: 'steps[0].script.let[0]',
        message: expect.stringMatching(
          /^n = label \+ 1 has a type error: the operator \+ cannot take \(string, int\)/,
        ) as string,
      },
    ]);
    expect(errors(['{{ label - 1 }}'], { stepLet: ['label = Param.Shot'] })[0]?.path).toBe(at(0));
    expect(errors(['{{ n * 2 }}'], { scriptLet: ['n = Task.Param.Frame + 1'] })).toEqual([]);
  });

  it('leaves alone what it does not know: unknown types and function forms are any', () => {
    // a task parameter of a type the language has no name for, an unknown symbol's property
    expect(parameterType('FRAMES')).toEqual({ t: 'any' });
    expect(typeName(parameterType('CHUNK[INT]'))).toBe('range_expr');
    expect(typeName(parameterType('list[list[INT]]'))).toBe('list[list[int]]');
    const none: SymbolTypes = () => undefined;
    expect(typeName(inferType(parseExpression('x.anything'), none))).toBe('any');
    expect(() => inferType(parseExpression('x.anything + 1 if x.y else x.z'), none)).not.toThrow();
    expect(typeName(inferType(parseExpression('min(1, 2, 3, 4)'), none))).toBe('any');
  });

  it('refuses a path receiver of a string method even where the path is made in place', () => {
    // what the type check alone decides, whatever the evaluator would do with the value
    const none: SymbolTypes = () => undefined;
    const infer = (src: string) => () => inferType(parseExpression(src), none);
    expect(infer('path("/a/b").startswith("/a")')).toThrow(/receiver is not converted/);
    expect(infer('startswith(path("/a/b"), "/a")')).not.toThrow();
    expect(infer('"/a/b".startswith("/a")')).not.toThrow();
    expect(infer('[path("/a"), path("/b")].join(",")')).not.toThrow();
  });

  it('names result types as RFC 0005 writes them', () => {
    const none: SymbolTypes = () => undefined;
    const t = (src: string) => typeName(inferType(parseExpression(src), none));
    expect(t('[1, 2.0]')).toBe('list[float]');
    expect(t('[]')).toBe('list[nulltype]');
    expect(t('[[1], []]')).toBe('list[list[int]]');
    expect(t('2 ** 3')).toBe('int | float');
    expect(t('"a".split(",")[0]')).toBe('string');
    expect(t('null if 1 > 2 else "x"')).toBe('nulltype | string');
  });

  it('checks environment templates with their parameters types', () => {
    const env = {
      specificationVersion: 'environment-2023-09',
      extensions: ['EXPR'],
      parameterDefinitions: [{ name: 'Name', type: 'STRING', default: 'x' }],
      environment: {
        name: 'E',
        script: { actions: { onEnter: { command: 'echo', args: ['{{ Param.Name * 2.5 }}'] } } },
      },
    };
    expect(validateEnvironmentTemplate(env).errors[0]?.message).toMatch(
      /\{\{ Param\.Name \* 2\.5 \}\} has a type error/,
    );
  });
});
