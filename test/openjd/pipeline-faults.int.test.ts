import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import type { TaskView } from '../../src/api/types.js';
import { isAlive } from '../../src/local/procs.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-ojd-faults-');
let coord: CoordinatorProcess;

beforeAll(async () => {
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);
const py = (code: string, ...args: string[]) => ({
  command: 'python3',
  args: ['-c', code, ...args],
});

// Each Work task notes its pid, works a while, then appends its item to done.txt once done.
const WORK = `import os, sys, time
work, item, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
os.makedirs(os.path.join(work, "pids"), exist_ok=True)
open(os.path.join(work, "pids", f"{item}.{os.getpid()}"), "w").close()
time.sleep(secs)
os.makedirs(os.path.join(work, "out"), exist_ok=True)
open(os.path.join(work, "out", f"{item}.txt"), "w").write(item)
with open(os.path.join(work, "done.txt"), "a") as f:
    f.write(item + "\\n")
print(f"openjd_metric: slept={secs}")
`;

function faultTemplate(): string {
  const file = path.join(root, 'faults.yaml');
  writeFileSync(
    file,
    stringify({
      specificationVersion: 'jobtemplate-2023-09',
      extensions: ['CLUSTER_TOOL_MANIFEST_RANGE'],
      name: 'fan-out under faults',
      parameterDefinitions: [
        { name: 'Work', type: 'PATH', objectType: 'DIRECTORY', dataFlow: 'OUT' },
        { name: 'Count', type: 'INT', default: 8 },
        { name: 'Seconds', type: 'FLOAT', default: 4 },
      ],
      steps: [
        {
          name: 'Generate',
          script: {
            actions: {
              onRun: py(
                'import sys; open(sys.argv[1] + "/items.txt", "w").write("".join(f"item{i:02d}\\n" for i in range(int(sys.argv[2]))))',
                '{{Param.Work}}',
                '{{Param.Count}}',
              ),
            },
          },
        },
        {
          name: 'Work',
          dependencies: [{ dependsOn: 'Generate' }],
          parameterSpace: {
            taskParameterDefinitions: [
              { name: 'Item', type: 'STRING', manifest: { lines: '{{RawParam.Work}}/items.txt' } },
            ],
          },
          script: {
            actions: {
              onRun: {
                command: 'python3',
                args: [
                  '{{Task.File.work}}',
                  '{{Param.Work}}',
                  '{{Task.Param.Item}}',
                  '{{Param.Seconds}}',
                ],
              },
            },
            embeddedFiles: [{ name: 'work', type: 'TEXT', filename: 'work.py', data: WORK }],
          },
        },
        {
          name: 'Collect',
          dependencies: [{ dependsOn: 'Work' }],
          parameterSpace: {
            taskParameterDefinitions: [
              { name: 'Part', type: 'PATH', manifest: { glob: '{{RawParam.Work}}/out/*.txt' } },
            ],
          },
          script: {
            actions: {
              onRun: py(
                'import os, shutil, sys; os.makedirs(sys.argv[2], exist_ok=True); shutil.copy(sys.argv[1], sys.argv[2])',
                '{{Task.Param.Part}}',
                '{{Param.Work}}/collected',
              ),
            },
          },
        },
      ],
    }),
  );
  return file;
}

async function workTasks(jobId: string, state: string): Promise<TaskView[]> {
  const r = await coord.api<{ tasks: TaskView[] }>(
    'GET',
    `/api/jobs/${jobId}/tasks?stage=Work&state=${state}`,
  );
  return r.tasks;
}

/** The parent pid of a live process, from /proc. */
const parentOf = (pid: number): number =>
  Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);

describe('an OpenJD pipeline under faults', () => {
  it('finishes with every fanned-out task done once when an agent is SIGKILLed mid-step and the coordinator dies at the step boundary', async () => {
    const work = path.join(root, 'work');
    mkdirSync(work);
    const r = cli([
      'submit',
      'openjd',
      faultTemplate(),
      '-p',
      `Work=${work}`,
      '--nodes',
      '2',
      '--gpus-per-node',
      '2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();

    // every agent busy in the fanned-out step: kill the agent of one running task
    const pids = path.join(work, 'pids');
    const running = () =>
      (existsSync(pids) ? readdirSync(pids) : [])
        .map((f) => Number(f.split('.')[1]))
        .filter((pid) => isAlive(pid));
    for (let i = 0; running().length < 4; i++) {
      if (i > 600) throw new Error('the Work step never had four tasks running');
      await sleep(100);
    }
    const victimTask = running()[0];
    expect(victimTask).toBeDefined();
    const agent = parentOf(victimTask!);
    process.kill(agent, 'SIGKILL');
    // the task's process group does not outlive its agent
    for (let i = 0; isAlive(victimTask!) && i < 50; i++) await sleep(100);
    expect(isAlive(victimTask!)).toBe(false);

    // the last tasks of the step are running: the coordinator dies, comes back, and the next
    // step's tasks are made from the manifest after the restart
    for (let i = 0; ; i++) {
      const queued = await workTasks(id, 'queued');
      const leased = await workTasks(id, 'leased');
      if (queued.length === 0 && leased.length > 0) break;
      if (i > 600) throw new Error('the Work step never reached its last tasks');
      await sleep(100);
    }
    coord.kill('SIGKILL');
    await sleep(3000);
    await coord.start();

    const job = await coord.waitFor(id, ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    const done = readFileSync(path.join(work, 'done.txt'), 'utf8').trim().split('\n').sort();
    expect(done).toEqual(Array.from({ length: 8 }, (_, i) => `item${String(i).padStart(2, '0')}`));
    expect(readdirSync(path.join(work, 'collected')).sort()).toEqual(done.map((d) => `${d}.txt`));
    expect(job.stages.map((s) => [s.name, s.progress.done])).toEqual([
      ['Generate', 1],
      ['Work', 8],
      ['Collect', 8],
    ]);
    expect(job.events.some((e) => e.type === 'agent:gone' || e.type === 'task:requeued')).toBe(
      true,
    );
  });

  it('stops the dependents of a failing step, says which task failed and why, and retry resumes from it', async () => {
    const work = path.join(root, 'retry');
    mkdirSync(work);
    const marker = path.join(work, 'fixed');
    const file = path.join(root, 'retry.yaml');
    const count = (name: string) =>
      py(`import sys; open(sys.argv[1] + "/${name}", "a").write("x")`, '{{Param.Work}}');
    writeFileSync(
      file,
      stringify({
        specificationVersion: 'jobtemplate-2023-09',
        name: 'retry',
        parameterDefinitions: [{ name: 'Work', type: 'PATH' }],
        steps: [
          { name: 'Prep', script: { actions: { onRun: count('prep') } } },
          {
            name: 'Flaky',
            dependencies: [{ dependsOn: 'Prep' }],
            parameterSpace: {
              taskParameterDefinitions: [{ name: 'N', type: 'INT', range: [1, 2] }],
            },
            script: {
              actions: {
                onRun: py(
                  'import os, sys; bad = sys.argv[2] == "2" and not os.path.exists(sys.argv[1]); bad and print("openjd_fail: the marker is missing"); sys.exit(5 if bad else 0)',
                  marker,
                  '{{Task.Param.N}}',
                ),
              },
            },
          },
          {
            name: 'After',
            dependencies: [{ dependsOn: 'Flaky' }],
            script: { actions: { onRun: count('after') } },
          },
        ],
      }),
    );
    const r = cli([
      'submit',
      'openjd',
      file,
      '-p',
      `Work=${work}`,
      '--nodes',
      '1',
      '--gpus-per-node',
      '2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const failed = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(
      /Flaky\[N=2\] failed after \d+ attempts: the marker is missing \(exited with code 5\)/,
    );
    expect(existsSync(path.join(work, 'after'))).toBe(false);
    writeFileSync(marker, '');
    expect(cli(['retry', failed.id]).code).toBe(0);
    const job = await coord.waitFor(failed.id, ended, 300_000);
    expect(job.state, job.error ?? '').toBe('succeeded');
    expect(readFileSync(path.join(work, 'prep'), 'utf8')).toBe('x');
    expect(readFileSync(path.join(work, 'after'), 'utf8')).toBe('x');
  });

  it("names the scene file a task's Blender cannot read in its failure's headline, under the task's name", async () => {
    const missing = path.join(root, 'no-such-shot.blend');
    const file = path.join(root, 'missing-scene.yaml');
    writeFileSync(
      file,
      stringify({
        specificationVersion: 'jobtemplate-2023-09',
        name: 'missing scene',
        parameterDefinitions: [{ name: 'Scene', type: 'PATH' }],
        steps: [
          {
            name: 'Render',
            parameterSpace: {
              taskParameterDefinitions: [{ name: 'Frame', type: 'INT', range: [1] }],
            },
            script: {
              actions: {
                onRun: {
                  command: 'blender',
                  args: ['-b', '{{Param.Scene}}', '-f', '{{Task.Param.Frame}}'],
                },
              },
            },
          },
        ],
      }),
    );
    const r = cli([
      'submit',
      'openjd',
      file,
      '-p',
      `Scene=${missing}`,
      '--nodes',
      '1',
      '--gpus-per-node',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const job = await coord.waitFor(r.stdout.trim(), ended, 300_000);
    expect(job.state).toBe('failed');
    const task = await coord.api<TaskView>(
      'GET',
      `/api/jobs/${job.id}/task?name=${encodeURIComponent('Render[Frame=1]')}`,
    );
    // Blender's own words lead, then how it ended; the tail holds Blender's lines, once each.
    expect(task.error).toBe(
      `Error: Cannot read file '${missing}': No such file or directory (exited with code 1)`,
    );
    expect(task.error).not.toContain('\n');
    expect(task.errorTail).toContain(
      `Error: Cannot read file '${missing}': No such file or directory`,
    );
    expect(job.error).toContain(`Render[Frame=1] failed after`);
    const status = cli(['status', job.id]);
    expect(status.stdout).toContain(`  Render[Frame=1]: Error: Cannot read file '${missing}'`);
    // `logs --task NAME` finds it by that name, with Blender's output.
    const logs = cli(['logs', job.id, '--task', 'Render[Frame=1]']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('Cannot read file');
  });
});
