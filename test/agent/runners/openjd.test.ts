import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenjdRunner } from '../../../src/agent/runners/openjd.js';
import type { LeasedTask } from '../../../src/agent/runner.js';
import { planJob } from '../../../src/coordinator/jobs/registry.js';
import { nodeFiles } from '../../../src/util/node-files.js';
import { HOSTILE_VALUES } from '../../helpers/hostile.js';

// OpenJD refuses control characters in args; the rest must arrive as they are
const HOSTILE = HOSTILE_VALUES.filter((v) => !/[\t\n]/.test(v));
const root = mkdtempSync(path.join(tmpdir(), 'ojd-runner-'));
const jobDir = path.join(root, 'jobs', 'j1');
mkdirSync(path.join(jobDir, 'logs'), { recursive: true });
const out = path.join(root, 'out');
mkdirSync(out);

const bash = (script: string, timeout?: number) => ({
  command: 'bash',
  args: ['-c', script, 'bash'],
  ...(timeout ? { timeout } : {}),
});

// Every action notes itself in events.txt, so the test sees what ran in which order.
const note = (what: string) => `echo ${what} >> '{{Param.Out}}/events.txt'`;
const WRITER = [
  'import json, os, sys',
  'out, i = sys.argv[1], sys.argv[2]',
  'open(os.path.join(out, f"argv-{i}.json"), "w").write(json.dumps(sys.argv[3:]))',
  'open(os.path.join(out, f"env-{i}.json"), "w").write(json.dumps({k: os.environ.get(k) for k in ("JOB_VAR", "FROM_ENTER", "STEP_VAR", "CUDA_VISIBLE_DEVICES", "CT_AGENT_TOKEN_FILE")}))',
  'f = open(os.path.join(out, f"big-{i}.bin"), "wb"); f.write(os.urandom(3_000_000)); f.close()',
  'print("openjd_progress: 50"); print("openjd_status: half way"); print("openjd_metric: rows=12.5")',
].join('\n');

const template = {
  specificationVersion: 'jobtemplate-2023-09',
  name: 'runner test',
  parameterDefinitions: [
    { name: 'Out', type: 'PATH' },
    { name: 'Shot', type: 'STRING' },
  ],
  jobEnvironments: [
    {
      name: 'JobEnv',
      variables: { JOB_VAR: 'job-{{Param.Out}}' },
      script: {
        actions: {
          onEnter: bash(`${note('enter-job')}; echo "openjd_env: FROM_ENTER=entered"`),
          onExit: bash(note('exit-job')),
        },
      },
    },
  ],
  steps: [
    {
      name: 'Write',
      stepEnvironments: [
        {
          name: 'StepEnv',
          variables: { STEP_VAR: 's' },
          script: {
            actions: { onEnter: bash(note('enter-step')), onExit: bash(note('exit-step')) },
          },
        },
      ],
      parameterSpace: { taskParameterDefinitions: [{ name: 'I', type: 'INT', range: '1-2' }] },
      script: {
        actions: {
          onRun: {
            command: 'python3',
            args: [
              '{{Task.File.writer}}',
              '{{Param.Out}}',
              '{{Task.Param.I}}',
              '{{Param.Shot}}',
              ...HOSTILE,
            ],
          },
        },
        embeddedFiles: [{ name: 'writer', type: 'TEXT', filename: 'writer.py', data: WRITER }],
      },
    },
    {
      name: 'Fail',
      dependencies: [{ dependsOn: 'Write' }],
      script: {
        actions: { onRun: bash('echo noise >&2; echo "openjd_fail: the input is empty"; exit 3') },
      },
    },
    {
      name: 'Slow',
      dependencies: [{ dependsOn: 'Fail' }],
      script: {
        actions: {
          onRun: {
            ...bash(
              `trap 'test -f "{{Session.WorkingDirectory}}/cancel_info.json" && echo notified >> "{{Param.Out}}/events.txt"; exit 0' TERM; sleep 30 & wait`,
              1,
            ),
            cancelation: { mode: 'NOTIFY_THEN_TERMINATE', notifyPeriodInSeconds: 2 },
          },
        },
      },
    },
  ],
};

function leased(): LeasedTask[] {
  const plan = planJob(
    {
      kind: 'openjd',
      nodes: 1,
      template,
      templatePath: 't.yaml',
      parameters: { Out: out, Shot: HOSTILE[0] },
    },
    {
      limits: { partitionNodes: 1, maxGpusPerNode: 4 },
      dirs: { id: 'j1', dir: jobDir, outputDir: path.join(jobDir, 'output') },
      files: nodeFiles,
    },
  );
  return plan.tasks.map((t, i) => ({
    id: i + 1,
    kind: t.kind,
    stage: t.stage,
    frames: [],
    payload: t.payload,
    jobDir,
  }));
}

const ctx = { gpu: '3', signal: new AbortController().signal, log: () => {} };
const events = () => readFileSync(path.join(out, 'events.txt'), 'utf8').trim().split('\n');

describe('the OpenJD runner', () => {
  it('runs tasks as argv with environments entered once per session and exited when it ends, reporting what the task said', async () => {
    process.env.CT_AGENT_TOKEN_FILE = '/secret/agent.token';
    const [w1, w2, fail, slow] = leased();
    const runner = new OpenjdRunner();
    const r1 = await runner.run(w1!, ctx);
    await runner.run(w2!, ctx);
    expect(events()).toEqual(['enter-job', 'enter-step']);
    expect(JSON.parse(readFileSync(path.join(out, 'argv-1.json'), 'utf8'))).toEqual([
      HOSTILE[0],
      ...HOSTILE,
    ]);
    expect(existsSync('/tmp/ct-pwned')).toBe(false);
    expect(JSON.parse(readFileSync(path.join(out, 'env-2.json'), 'utf8'))).toEqual({
      JOB_VAR: `job-${out}`,
      FROM_ENTER: 'entered',
      STEP_VAR: 's',
      CUDA_VISIBLE_DEVICES: '3',
      CT_AGENT_TOKEN_FILE: null,
    });
    expect(r1).toMatchObject({
      step: 'Write',
      label: 'Write[I=1]',
      exitCode: 0,
      progress: 50,
      status: 'half way',
      failMessage: null,
      metrics: { rows: 12.5 },
      log: expect.stringMatching(/^logs\/tasks\/1\/\d+-node-gpu3\.log$/) as string,
    });
    expect(r1.seconds).toBeGreaterThan(0);
    // 3 MB of file, counted by the pages the task dirtied (give or take a few)
    expect(r1.bytesWritten).toBeGreaterThanOrEqual(3_000_000);
    expect(r1.bytesWritten).toBeLessThan(3_200_000);
    expect(readFileSync(path.join(jobDir, r1.log as string), 'utf8')).toMatch(
      / out: openjd_status: half way\n/,
    );

    // moving to another step leaves the step's environment; a failure leads with why (the task's
    // name is its label, shown beside it)
    await expect(runner.run(fail!, ctx)).rejects.toMatchObject({
      message: 'the input is empty (exited with code 3)',
      // stderr and stdout are two pipes: their lines may arrive in either order
      tail: expect.arrayContaining(['noise', 'openjd_fail: the input is empty']) as string[],
    });
    expect(events()).toEqual(['enter-job', 'enter-step', 'exit-step']);

    // a timeout notifies (cancel_info.json, SIGTERM) before it kills
    await expect(runner.run(slow!, ctx)).rejects.toThrow(/^timed out after \d+ s$/);
    expect(events().at(-1)).toBe('notified');

    await runner.close();
    expect(events().at(-1)).toBe('exit-job');
  }, 30_000);

  it('fails a task whose environment cannot be entered, and starts a fresh session for the next', async () => {
    const doc = structuredClone(template);
    doc.jobEnvironments[0]!.script.actions.onEnter = bash('exit 9');
    const plan = planJob(
      { kind: 'openjd', nodes: 1, template: doc, parameters: { Out: out, Shot: 'x' } },
      {
        limits: { partitionNodes: 1, maxGpusPerNode: 4 },
        dirs: { id: 'j1', dir: jobDir, outputDir: jobDir },
        files: nodeFiles,
      },
    );
    const t = plan.tasks[0]!;
    const task = { id: 9, kind: t.kind, stage: t.stage, frames: [], payload: t.payload, jobDir };
    const runner = new OpenjdRunner();
    await expect(runner.run(task, ctx)).rejects.toThrow(
      'environment "JobEnv" onEnter: exited with code 9',
    );
    await expect(runner.run(task, ctx)).rejects.toThrow(/onEnter: exited with code 9/);
    await runner.close();
  });
});
