import { describe, expect, it } from 'vitest';
import { openjdResults, openjdStepNotes } from '../../../src/coordinator/jobs/openjd-results.js';
import { resultsCsv } from '../../../src/coordinator/jobs/result-csv.js';
import type { TaskRow } from '../../../src/coordinator/store/types.js';

function task(
  id: number,
  step: string,
  stepIndex: number,
  index: number,
  more: Partial<TaskRow>,
): TaskRow {
  return {
    id,
    jobId: 'j1',
    stage: step,
    seq: index,
    kind: 'openjd-task',
    payload: {
      step,
      stepIndex,
      index,
      label: `${step}[I=${index}]`,
      params: { I: { type: 'INT', value: String(index) } },
    },
    frames: [],
    state: 'done',
    attempts: 0,
    tries: 0,
    excludedAgents: [],
    agentId: 'a',
    node: 'node1',
    gpu: '0',
    leaseExpires: null,
    startedAt: 0,
    finishedAt: 1,
    result: null,
    error: null,
    errorTail: [],
    ...more,
  };
}

describe('OpenJD results', () => {
  const tasks = [
    // the store lists stages by name, not in run order
    task(3, 'Merge', 1, 0, {
      result: {
        exitCode: 0,
        seconds: 2,
        bytesWritten: 2 * 1024 * 1024,
        metrics: { tiles: 2 },
        status: '=cmd|x, "q"',
      },
    }),
    task(2, 'Alpha', 0, 1, { state: 'failed', error: 'Alpha[I=1]: exited with code 3: bad input' }),
    task(1, 'Alpha', 0, 0, {
      result: { exitCode: 0, seconds: 1.5, bytesWritten: 0, progress: 100, metrics: { tiles: 3 } },
    }),
  ];

  it('lists tasks in run order with their exit code, time, bytes, messages and metrics', () => {
    const rows = openjdResults(tasks);
    expect(rows.map((r) => [r.step, r.task, r.state])).toEqual([
      ['Alpha', 'Alpha[I=0]', 'done'],
      ['Alpha', 'Alpha[I=1]', 'failed'],
      ['Merge', 'Merge[I=0]', 'done'],
    ]);
    expect(rows[0]).toMatchObject({
      exitCode: 0,
      seconds: 1.5,
      progress: 100,
      metrics: { tiles: 3 },
      gpu: 'node1:0',
      variables: { I: '0' },
    });
    expect(rows[1]?.failMessage).toBe('Alpha[I=1]: exited with code 3: bad input');
    expect(openjdStepNotes(rows)).toEqual([
      'step Alpha: 1/2 task(s) done, 1.5 s of task time, 0.0 MiB written, metrics tiles=3',
      'step Merge: 1/1 task(s) done, 2.0 s of task time, 2.0 MiB written, metrics tiles=2',
    ]);
  });

  it('writes CSV with a column per parameter and metric, quoting commas and quotes and defusing formulas', () => {
    const csv = resultsCsv(openjdResults(tasks)).split('\r\n');
    expect(csv[0]).toBe(
      'step,task,state,exit_code,seconds,bytes_written,progress,status,fail_message,gpu,param:I,metric:tiles',
    );
    expect(csv[1]).toBe('Alpha,Alpha[I=0],done,0,1.5,0,100,,,node1:0,0,3');
    expect(csv[2]).toBe(
      'Alpha,Alpha[I=1],failed,,,,,,Alpha[I=1]: exited with code 3: bad input,node1:0,1,',
    );
    expect(csv[3]).toBe(`Merge,Merge[I=0],done,0,2,2097152,,"'=cmd|x, ""q""",,node1:0,0,2`);
    expect(csv[4]).toBe('');
  });
});
