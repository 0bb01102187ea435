import { describe, expect, it } from 'vitest';
import {
  environmentActions,
  expandStep,
  instantiateTask,
  resolveJobParameters,
  validateTemplate,
  type JobTemplate,
} from '../../src/openjd/index.js';
import { fullTemplate, minimalTemplate } from './fixtures.js';

const full = validateTemplate(fullTemplate()).template as JobTemplate;
const fullValues = resolveJobParameters(full, {}).values;

describe('instantiateTask', () => {
  it('keeps values with shell metacharacters as single literal arguments', () => {
    const t = validateTemplate(minimalTemplate()).template as JobTemplate;
    const values = resolveJobParameters(t, { Out: "/tmp/a b; rm -rf / $(id) 'x'" }).values;
    const [task] = expandStep(t, 'Render', values);
    const cmd = instantiateTask(t, 'Render', task!.params, values, '/s');
    expect(cmd.argv).toEqual(['render', '--frame', '1', '--out', "/tmp/a b; rm -rf / $(id) 'x'"]);
  });

  it('passes an argument that spans lines as one argument, as the conformance suite has it', () => {
    const doc = minimalTemplate() as { steps: { script: { actions: { onRun: object } } }[] };
    const script = "import sys\nprint('{{Param.Shot}}')\n";
    doc.steps[1]!.script.actions.onRun = { command: 'python3', args: ['-c', script] };
    const v = validateTemplate(doc);
    expect(v.errors).toEqual([]);
    const t = v.template as JobTemplate;
    const values = resolveJobParameters(t, {}).values;
    const [task] = expandStep(t, 'Encode', values);
    expect(instantiateTask(t, 'Encode', task!.params, values, '/s').argv).toEqual([
      'python3',
      '-c',
      "import sys\nprint('sh010')\n",
    ]);
  });

  it('writes embedded files under the session directory with their references resolved', () => {
    const [task] = expandStep(full, 'Work', fullValues);
    const cmd = instantiateTask(full, 'Work', task!.params, fullValues, '/sess');
    expect(cmd.argv).toEqual([
      '/sess/embedded/task/run.sh',
      '1',
      'left',
      '0.5',
      '/data/scene.blend',
      '0.50',
    ]);
    expect(cmd.files).toEqual([
      {
        path: '/sess/embedded/task/run.sh',
        content: '#!/bin/sh\ncat /sess/embedded/task/conf\n',
        runnable: true,
      },
      {
        path: '/sess/embedded/task/conf',
        content: 'eye=left mapping=/sess/path-mapping.json\n',
        runnable: false,
      },
      { path: '/sess/path-mapping.json', content: '{}\n', runnable: false },
    ]);
    expect(cmd).toMatchObject({
      cwd: '/sess',
      timeoutSeconds: 60,
      cancelation: { mode: 'NOTIFY_THEN_TERMINATE', notifyPeriodSeconds: 120 },
    });
  });

  it("sets the variables of the job's and the step's environments", () => {
    const [task] = expandStep(full, 'Work', fullValues);
    expect(instantiateTask(full, 'Work', task!.params, fullValues, '/sess').env).toEqual({
      JOB_MODE: 'fast',
      JOB_SESSION: '/sess',
      STEP_VAR: 'x3',
    });
  });

  it('refuses task parameters that do not cover the step', () => {
    expect(() => instantiateTask(full, 'Work', {}, fullValues, '/s')).toThrow(
      /no value for I, Eye, F/,
    );
  });
});

describe('environmentActions', () => {
  it("lists the job's environments, then the step's, with their actions and files", () => {
    const envs = environmentActions(full, 'Work', fullValues, '/sess');
    expect(envs.map((e) => [e.scope, e.name])).toEqual([
      ['job', 'Job env'],
      ['step', 'Step env'],
    ]);
    expect(envs[0]).toMatchObject({
      onEnter: {
        argv: ['bash', '/sess/embedded/job-env-0/setup', '/sess'],
        timeoutSeconds: null,
        cancelation: { mode: 'TERMINATE' },
      },
      onExit: { argv: ['true'] },
      files: [
        {
          path: '/sess/embedded/job-env-0/setup',
          content: 'echo openjd_env: FROM_ENTER=1\n',
          runnable: true,
        },
      ],
    });
    expect(envs[1]).toMatchObject({
      onEnter: null,
      onExit: null,
      variables: { STEP_VAR: 'x3' },
      files: [],
    });
  });
});
