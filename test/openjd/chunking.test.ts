// One file, over 8 KB: the chunk tests share the template they edit and its helpers below.
import { describe, expect, it } from 'vitest';
import { chunkSizes, chunkText, chunkValues } from '../../src/openjd/chunk-layout.js';
import {
  OpenjdInstantiationError,
  expandStep,
  instantiateTask,
  resolveJobParameters,
  stepSlice,
  validateTemplate,
  type JobTemplate,
  type Problem,
} from '../../src/openjd/index.js';
import { matching } from './helpers/matching.js';

/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
   these tests edit parsed documents, which are untyped by nature, to make each bad template */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/** A template with a Frame CHUNK[INT] parameter, as a Deadline-style chunked render writes it. */
function chunked(chunks: Doc = { defaultTaskCount: 5, rangeConstraint: 'CONTIGUOUS' }): Doc {
  return {
    specificationVersion: 'jobtemplate-2023-09',
    extensions: ['TASK_CHUNKING'],
    name: 'Chunked',
    parameterDefinitions: [
      { name: 'Frames', type: 'STRING', default: '1-12' },
      { name: 'ChunkSize', type: 'INT', default: 5 },
    ],
    steps: [
      {
        name: 'Render',
        parameterSpace: {
          taskParameterDefinitions: [
            { name: 'Frame', type: 'CHUNK[INT]', range: '{{Param.Frames}}', chunks },
          ],
        },
        script: {
          actions: { onRun: { command: 'render', args: ['--frames', '{{Task.Param.Frame}}'] } },
        },
      },
    ],
  };
}

const T = 'steps[0].parameterSpace.taskParameterDefinitions[0]';

function errorsOf(edit: (t: Doc) => void): Problem[] {
  const t = chunked();
  edit(t);
  return validateTemplate(t).errors;
}

function expectError(errors: Problem[], path: string, message: RegExp): void {
  expect(errors, JSON.stringify(errors, null, 1)).toContainEqual({
    path,
    message: matching(message),
  });
}

function frames(doc: Doc, given: Record<string, unknown> = {}): string[] {
  const r = validateTemplate(doc);
  expect(r.errors).toEqual([]);
  const t = r.template as JobTemplate;
  const values = resolveJobParameters(t, given).values;
  return expandStep(t, 'Render', values).map((task) => task.params.Frame?.value ?? '');
}

describe('TASK_CHUNKING chunks', () => {
  it('writes a CONTIGUOUS chunk as start-end, one value too, so a script can cut it at the -', () => {
    expect(chunkText([1, 2, 3], 'CONTIGUOUS')).toBe('1-3');
    expect(chunkText([7], 'CONTIGUOUS')).toBe('7-7');
    expect(chunkText([-3, -2], 'CONTIGUOUS')).toBe('-3--2');
  });

  it('writes a NONCONTIGUOUS chunk as a range expression, steps where three values share one', () => {
    expect(chunkText([7, 8], 'NONCONTIGUOUS')).toBe('7,8');
    expect(chunkText([4], 'NONCONTIGUOUS')).toBe('4');
    expect(chunkText([1, 2, 3, 5, 7, 9, 11], 'NONCONTIGUOUS')).toBe('1-3,5-11:2');
    expect(chunkText([1, 2, 3, 5, 7, 8, 9], 'NONCONTIGUOUS')).toBe('1-3,5,7-9');
    expect(chunkText([5, 6, 7, 8, 9, 10, 12, 15, 18, 20], 'NONCONTIGUOUS')).toBe('5-10,12-18:3,20');
    expect(chunkText([1, 3], 'NONCONTIGUOUS')).toBe('1,3');
  });

  it('cuts n values into ceil(n / size) chunks whose sizes differ by at most one, spread evenly', () => {
    expect(chunkSizes(12, 5)).toEqual([4, 4, 4]);
    expect(chunkSizes(10, 3)).toEqual([3, 2, 3, 2]);
    expect(chunkSizes(37, 9)).toEqual([8, 7, 8, 7, 7]);
    expect(chunkSizes(37, 4)).toEqual([4, 4, 4, 3, 4, 4, 3, 4, 4, 3]);
    expect(chunkSizes(5, 100)).toEqual([5]);
    expect(chunkSizes(0, 3)).toEqual([]);
  });

  it('takes the values ascending and once; CONTIGUOUS chunks each lie within one run', () => {
    expect(chunkValues([5, 1, 2, 3, 4, 3, 9, 10], 3, 'CONTIGUOUS')).toEqual([
      [1, 2, 3],
      [4, 5],
      [9, 10],
    ]);
    expect(chunkValues([5, 1, 2, 3, 4, 9, 10], 3, 'NONCONTIGUOUS')).toEqual([
      [1, 2, 3],
      [4, 5],
      [9, 10],
    ]);
    expect(chunkValues([1, 10, 11, 12, 18, 19, 20, 21, 22], 10, 'CONTIGUOUS')).toEqual([
      [1],
      [10, 11, 12],
      [18, 19, 20, 21, 22],
    ]);
  });

  it('expands a CHUNK[INT] step into one task per chunk, its value the range expression', () => {
    expect(frames(chunked())).toEqual(['1-4', '5-8', '9-12']);
    expect(frames(chunked(), { Frames: '1-4,7-9' })).toEqual(['1-4', '7-9']);
    expect(frames(chunked(), { Frames: '1,10-12' })).toEqual(['1-1', '10-12']);
    expect(frames(chunked(), { Frames: '1-5', ChunkSize: 100 })).toEqual(['1-5']);
    const loose = chunked({ defaultTaskCount: 5, rangeConstraint: 'NONCONTIGUOUS' });
    expect(frames(loose, { Frames: '1-4,7-9' })).toEqual(['1-4', '7-9']);
    expect(frames(loose, { Frames: '1-3,5,7-20:2' })).toEqual(['1-3,5', '7-13:2', '15-19:2']);
    const three = chunked({ defaultTaskCount: 3, rangeConstraint: 'NONCONTIGUOUS' });
    expect(frames(three, { Frames: '1-8' })).toEqual(['1-3', '4-6', '7,8']);
    const fromParam = chunked({
      defaultTaskCount: '{{Param.ChunkSize}}',
      targetRuntimeSeconds: 60,
      rangeConstraint: 'CONTIGUOUS',
    });
    expect(frames(fromParam, { ChunkSize: 4 })).toEqual(['1-4', '5-8', '9-12']);
    expect(frames(fromParam, { ChunkSize: 3, Frames: '1-8' })).toEqual(['1-3', '4-6', '7-8']);
  });

  it('gives the chunk to format strings in the task script', () => {
    const t = validateTemplate(chunked()).template as JobTemplate;
    const values = resolveJobParameters(t, {}).values;
    const [task] = expandStep(t, 'Render', values);
    const cmd = instantiateTask(
      stepSlice(t, 'Render'),
      'Render',
      task?.params ?? {},
      values,
      '/tmp/s',
    );
    expect(cmd.argv).toEqual(['render', '--frames', '1-4']);
    expect(task?.params.Frame?.type).toBe('CHUNK[INT]');
  });
});

describe('TASK_CHUNKING ranges', () => {
  it('a CHUNK[INT] range may stand for more than the 1024 values of an INT range: its tasks are chunks', () => {
    const sized = chunked({
      defaultTaskCount: '{{Param.ChunkSize}}',
      rangeConstraint: 'CONTIGUOUS',
    });
    expect(frames(sized, { Frames: '1-2000', ChunkSize: 500 })).toEqual([
      '1-500',
      '501-1000',
      '1001-1500',
      '1501-2000',
    ]);
    const literal = chunked();
    literal.steps[0].parameterSpace.taskParameterDefinitions[0].range = '1-5000';
    expect(frames(literal)).toHaveLength(1000);
    const plain = chunked();
    plain.extensions = undefined;
    plain.steps[0].parameterSpace.taskParameterDefinitions[0] = {
      name: 'Frame',
      type: 'INT',
      range: '1-2000',
    };
    expectError(
      validateTemplate(plain).errors,
      `${T}.range`,
      /the range stands for 2000 values; a task parameter may have at most 1024/,
    );
  });

  it('refuses a CHUNK[INT] range of more values than a step may have tasks', () => {
    const t = validateTemplate(chunked()).template as JobTemplate;
    const values = resolveJobParameters(t, { Frames: '1-100001' }).values;
    expect(() => expandStep(t, 'Render', values)).toThrow(
      /the range stands for 100001 values; a CHUNK\[INT\] parameter may have at most 100000/,
    );
  });
});

describe('TASK_CHUNKING refuses, saying where and what to change', () => {
  it('CHUNK[INT] without the extension', () => {
    expectError(
      errorsOf((t) => delete t.extensions),
      `${T}.type`,
      /CHUNK\[INT\] needs the TASK_CHUNKING extension: add "extensions: \[TASK_CHUNKING\]"/,
    );
  });

  it('a chunk size of 0, a bad rangeConstraint, no chunks', () => {
    const p = (t: Doc) => t.steps[0].parameterSpace.taskParameterDefinitions[0];
    expectError(
      errorsOf((t) => (p(t).chunks.defaultTaskCount = 0)),
      `${T}.chunks.defaultTaskCount`,
      /an integer of at least 1/,
    );
    expectError(
      errorsOf((t) => (p(t).chunks.rangeConstraint = 'SOMETIMES')),
      `${T}.chunks.rangeConstraint`,
      /must be one of CONTIGUOUS, NONCONTIGUOUS/,
    );
    expectError(
      errorsOf((t) => delete p(t).chunks),
      `${T}.chunks`,
      /is required for CHUNK\[INT\]/,
    );
    expectError(
      errorsOf((t) => (p(t).chunks.targetRuntimeSeconds = -1)),
      `${T}.chunks.targetRuntimeSeconds`,
      /at least 0/,
    );
  });

  it('two CHUNK[INT] parameters in a step, or one in an association', () => {
    const two = (t: Doc) =>
      t.steps[0].parameterSpace.taskParameterDefinitions.push({
        name: 'Other',
        type: 'CHUNK[INT]',
        range: '1-3',
        chunks: { defaultTaskCount: 1, rangeConstraint: 'CONTIGUOUS' },
      });
    expectError(
      errorsOf(two),
      'steps[0].parameterSpace.taskParameterDefinitions[1].type',
      /only one CHUNK\[INT\]/,
    );
    expectError(
      errorsOf((t) => {
        t.steps[0].parameterSpace.taskParameterDefinitions.push({
          name: 'Pass',
          type: 'INT',
          range: [1, 2],
        });
        t.steps[0].parameterSpace.combination = '(Frame, Pass)';
      }),
      'steps[0].parameterSpace.combination',
      /Frame is a CHUNK\[INT\] parameter and cannot be in an association/,
    );
  });

  it('a chunk size that resolves to 0 at submission', () => {
    const doc = chunked({ defaultTaskCount: '{{Param.ChunkSize}}', rangeConstraint: 'CONTIGUOUS' });
    const t = validateTemplate(doc).template as JobTemplate;
    const values = resolveJobParameters(t, { ChunkSize: 0 }).values;
    let err: unknown;
    try {
      expandStep(t, 'Render', values);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OpenjdInstantiationError);
    expect((err as OpenjdInstantiationError).problems).toEqual([
      {
        path: `${T}.chunks.defaultTaskCount`,
        message: 'resolves to "0": give an integer of at least 1',
      },
    ]);
  });
});
