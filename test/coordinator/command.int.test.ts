import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { taskOutputDir } from '../../src/api/task-output-files.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, JobEvent, TaskView } from '../../src/api/types.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { HOSTILE_VALUES } from '../helpers/hostile.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-command-');
let coord: CoordinatorProcess;

beforeAll(async () => {
  rmSync('/tmp/ct-pwned', { force: true });
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCli([...args, '--state-dir', coord.stateDir]);
// prints its arguments as JSON, so the test sees exactly what arrived
const ECHO = ['python3', '-c', 'import json,sys; print(json.dumps(sys.argv[1:]))'];

function jsonl(name: string, lines: object[]): string {
  const file = path.join(root, name);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

describe('the generic command stage on the local cluster', () => {
  it('runs one command per line across nodes with hostile field values arriving literally, and retries a task that fails once', async () => {
    const marker = path.join(root, 'flaky-failed');
    const lines = [
      ...HOSTILE_VALUES.map((v, i) => ({ id: `h${i}`, value: v })),
      {
        id: 'flaky',
        value: 'ok',
        argv: [
          'python3',
          '-c',
          'import os,sys\nif not os.path.exists(sys.argv[1]):\n open(sys.argv[1],"w").close(); print("flaky: failing once", file=sys.stderr); sys.exit(7)\nprint("[]")',
          marker,
        ],
      },
    ];
    const file = jsonl('tasks.jsonl', lines);
    const r = cli([
      'submit',
      'command',
      '--tasks',
      file,
      '--command',
      JSON.stringify([...ECHO, '{value}', 'pre-{value}-{id}']),
      '--nodes',
      '4',
    ]);
    expect(r.stderr).toMatch(/Submitted/);
    expect(r.code).toBe(0);
    const done = await coord.waitFor(r.stdout.trim(), ended);
    expect(done.state).toBe('succeeded');
    const { tasks } = await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${done.id}/tasks`);
    expect(tasks).toHaveLength(lines.length);
    expect(tasks.every((t) => t.state === 'done' && /^node[1-4]$/.test(t.node ?? ''))).toBe(true);
    HOSTILE_VALUES.forEach((v, i) => {
      // The task's own output, one file per attempt, each line stamped: `<time> out: <line>`.
      const dir = taskOutputDir(done.dir, tasks[i]?.id ?? 0);
      const [file] = readdirSync(dir);
      const first = readFileSync(path.join(dir, file ?? ''), 'utf8').split('\n')[0] ?? '';
      expect(JSON.parse(first.replace(/^\S+ out: /, ''))).toEqual([v, `pre-${v}-h${i}`]);
    });
    expect(existsSync('/tmp/ct-pwned')).toBe(false);
    const flaky = tasks.at(-1);
    // `attempts` counts failed attempts; the retry ran on another agent
    expect(flaky?.attempts).toBe(1);
    const failed = done.events.find(
      (e): e is Extract<JobEvent, { type: 'task:failed' }> =>
        e.type === 'task:failed' && e.data.taskId === flaky?.id,
    );
    expect(failed?.data.agentId).not.toBe(flaky?.agentId);
    expect(
      done.events.some((e) => e.type === 'task:failed' && /exited with 7/.test(e.message)),
    ).toBe(true);
    expect(done.results?.map((x) => x.task)).toEqual(lines.map((l) => l.id));
    expect(done.results?.[0]?.gpu).toMatch(/^node[1-4]:[0-3]$/);
  });

  it('keeps every attempt of a task that failed twice, and `logs --task --attempt` shows one', async () => {
    const count = path.join(root, 'twice-count');
    // 100 lines an attempt; the first two attempts fail, the third succeeds.
    const script = [
      'import sys, pathlib',
      'p = pathlib.Path(sys.argv[1]); n = int(p.read_text()) + 1 if p.exists() else 1',
      'p.write_text(str(n))',
      // no braces: a command's words fill {field} placeholders
      'for i in range(1, 101): print("attempt %d line %d" % (n, i), flush=True)',
      'sys.exit(1 if n < 3 else 0)',
    ].join('\n');
    const file = jsonl('twice.jsonl', [{ id: 'twice', argv: ['python3', '-c', script, count] }]);
    const r = cli(['submit', 'command', '--tasks', file]);
    expect(r.code, r.stderr).toBe(0);
    const done = await coord.waitFor(r.stdout.trim(), ended);
    expect(done.state).toBe('succeeded');
    const ours = (l: string) => /attempt \d line \d+$/.test(l);
    const all = cli(['logs', done.id, '--task', 'twice', '--tail', '1000']);
    expect(all.code, all.stderr).toBe(0);
    const allLines = all.stdout.split('\n');
    expect(allLines.filter(ours)).toHaveLength(300);
    expect(allLines.filter((l) => /^── attempt \d on node\d GPU \d+ ──$/.test(l))).toHaveLength(3);
    for (const n of [1, 2]) {
      const one = cli([
        'logs',
        done.id,
        '--task',
        'twice',
        '--attempt',
        String(n),
        '--tail',
        '1000',
      ]);
      expect(one.code, one.stderr).toBe(0);
      const lines = one.stdout.split('\n');
      expect(lines[0]).toMatch(new RegExp(`^── attempt ${n} on `));
      expect(lines.filter(ours).map((l) => /attempt \d line \d+$/.exec(l)?.[0])).toEqual(
        Array.from({ length: 100 }, (_, i) => `attempt ${n} line ${i + 1}`),
      );
    }
    const missing = cli(['logs', done.id, '--task', 'twice', '--attempt', '7']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(
      /task twice of job \S+ has no attempt 7; its attempts are 1, 2, 3/,
    );
    const alone = cli(['logs', done.id, '--attempt', '1']);
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toMatch(
      /--attempt picks an attempt of a task: give --task or --frame too/,
    );
  });

  it('lists the tasks with --dry-run --json and submits nothing', async () => {
    const before = (await coord.api<unknown[]>('GET', '/api/jobs')).length;
    const file = jsonl('dry.jsonl', [
      { id: 'a', argv: ['echo', '{x}'], x: '$(touch /tmp/ct-pwned)' },
    ]);
    const r = cli(['submit', 'command', '--tasks', file, '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { tasks: { id: string; argv: string[] }[] };
    expect(plan.tasks).toEqual([
      expect.objectContaining({ id: 'a', argv: ['echo', '$(touch /tmp/ct-pwned)'] }),
    ]);
    expect((await coord.api<unknown[]>('GET', '/api/jobs')).length).toBe(before);
  });

  it('fails the job with the output tail when a command fails every attempt', async () => {
    const file = jsonl('bad.jsonl', [
      {
        id: 'always',
        argv: ['python3', '-c', 'import sys; print("boom here", file=sys.stderr); sys.exit(4)'],
      },
    ]);
    const r = cli(['submit', 'command', '--tasks', file]);
    const done = await coord.waitFor(r.stdout.trim(), ended);
    expect(done.state).toBe('failed');
    expect(done.failedTasks[0]?.errorTail.join('\n')).toMatch(/boom here/);
    expect(done.failedTasks[0]?.name).toBe('always');
  });

  it('refuses bad task lists with a clear error and creates no job', async () => {
    const jobs = async () => (await coord.api<JobDetail[]>('GET', '/api/jobs')).length;
    const before = await jobs();
    const notJson = path.join(root, 'not.jsonl');
    writeFileSync(notJson, '{"id": "a", "argv": ["echo"]}\n{oops\n');
    expect(cli(['submit', 'command', '--tasks', notJson]).stderr).toMatch(/not\.jsonl:2: not JSON/);
    const unknown = jsonl('unknown.jsonl', [{ id: 'a', argv: ['echo', '{missing}'] }]);
    expect(cli(['submit', 'command', '--tasks', unknown]).stderr).toMatch(/\{missing\}/);
    const noArgv = jsonl('noargv.jsonl', [{ id: 'a' }]);
    expect(cli(['submit', 'command', '--tasks', noArgv]).stderr).toMatch(/no argv/);
    expect(cli(['submit', 'command', '--tasks', path.join(root, 'nope.jsonl')]).stderr).toMatch(
      /does not exist/,
    );
    expect(await jobs()).toBe(before);
  });
});
