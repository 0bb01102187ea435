import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TaskFailure, type LeasedTask } from '../../../src/agent/runner.js';
import { CommandRunner } from '../../../src/agent/runners/command.js';
import { taskOutputDir } from '../../../src/api/task-output-files.js';
import { taskOutputs } from '../../../src/coordinator/view/task-log.js';

function commandTask(jobDir: string, script: string): LeasedTask {
  return {
    id: 7,
    kind: 'command',
    stage: 'main',
    frames: [],
    jobDir,
    payload: { id: 'chatty', line: 1, fields: {}, argv: ['bash', '-c', script], cwd: jobDir },
  };
}

const ctx = (signal = new AbortController().signal) => ({
  gpu: '0',
  node: 'node1',
  signal,
  log: () => {},
});

describe("a command task's own output", () => {
  it('is kept whole for every attempt, stdout and stderr interleaved, nothing overwritten', async () => {
    const jobDir = mkdtempSync(path.join(os.tmpdir(), 'ct-cmd-out-'));
    const task = commandTask(
      jobDir,
      'for i in $(seq 1 100); do echo "progress $i"; done; echo "bad input" >&2; exit 3',
    );
    const runner = new CommandRunner();
    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await runner.run(task, ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TaskFailure);
      // The cause leads the headline; the command and how it ended follow.
      expect((err as TaskFailure).message).toMatch(/^bad input \(`bash -c .*` exited with 3\)$/);
      expect((err as TaskFailure).tail).toEqual(['bad input']);
      await new Promise((r) => setTimeout(r, 5));
    }
    const files = readdirSync(taskOutputDir(jobDir, 7));
    expect(files).toHaveLength(2);
    for (const f of files) {
      const lines = readFileSync(path.join(taskOutputDir(jobDir, 7), f), 'utf8')
        .trim()
        .split('\n');
      expect(lines.filter((l) => / out: progress \d+$/.test(l))).toHaveLength(100);
      expect(lines.at(-2)).toMatch(/ err: bad input$/);
      expect(lines.at(-1)).toMatch(/exited with 3/);
    }
    const attempts = [0, 1].map((i) => ({ node: 'node1', gpu: '0', startedAt: i, attempt: i + 1 }));
    const read = taskOutputs(jobDir, 7, attempts);
    expect(read.map((r) => r.lines.length)).toEqual([102, 102]);
  });

  it('is on disk while the task still runs', async () => {
    const jobDir = mkdtempSync(path.join(os.tmpdir(), 'ct-cmd-live-'));
    const stop = new AbortController();
    const run = new CommandRunner()
      .run(commandTask(jobDir, 'echo first; echo second; sleep 30'), ctx(stop.signal))
      .catch(() => undefined);
    const dir = taskOutputDir(jobDir, 7);
    let text = '';
    for (let i = 0; i < 100 && !text.includes('second'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      const [f] = (() => {
        try {
          return readdirSync(dir);
        } catch {
          return [];
        }
      })();
      if (f) text = readFileSync(path.join(dir, f), 'utf8');
    }
    expect(text).toMatch(/ out: first\n.* out: second\n/);
    stop.abort();
    await run;
  });
});
