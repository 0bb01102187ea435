import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { formatCommandLine, runCommand } from '../../process/run.js';
import { shellQuote } from '../../shell/quote.js';
import { pyJoin } from './format.js';
import { floatRepr } from './py-values.js';
import { collectResult, finalPsnr, parseEvalStats, type PlenoxelsResult } from './results.js';
import { trainFiles } from './steps.js';
import { resolveOptDir } from './opt-dir.js';
import { nodeFiles } from '../../util/node-files.js';
import type { PlenoxelsTask } from './types.js';

/** How to run one task on this machine. */
export interface RunTaskOptions {
  /** The svox2 checkout (its opt/ directory is used), or a directory holding opt.py itself. */
  svox2Dir: string;
  /** The Python to run opt.py with (default "python", as autotune.py). */
  python?: string;
  /** The GPU index for CUDA_VISIBLE_DEVICES. */
  gpu: string | number;
  signal?: AbortSignal;
  /** Progress lines, each a sentence or a command line a user could paste. */
  log?: (line: string) => void;
  /** Time limit per step (default 24 h: training at full resolution takes tens of minutes). */
  timeoutMs?: number;
  /** Extra environment for the steps. */
  env?: Record<string, string | undefined>;
}

/** What a run did: which steps ran or were skipped, and the train_dir's metrics after it. */
export interface RunTaskResult {
  ran: string[];
  skipped: string[];
  result: PlenoxelsResult;
}

/**
 * Runs one task's steps in order, skipping the task when autotune.py would (test_psnr.txt
 * exists) and each step whose output files exist, so a re-submitted sweep resumes. Unlike
 * autotune, a failing step throws `CommandError`, so that the coordinator can retry the task.
 */
export async function runPlenoxelsTask(
  task: PlenoxelsTask,
  opts: RunTaskOptions,
): Promise<RunTaskResult> {
  const log = opts.log ?? (() => {});
  const cwd = resolveOptDir(opts.svox2Dir, nodeFiles);
  const all = task.steps.map((s) => s.name);
  if (existsSync(task.skipWhen)) {
    log(`skip ${task.id}: ${task.skipWhen} exists`);
    return { ran: [], skipped: all, result: collectResult(task.trainDir) };
  }
  mkdirSync(task.trainDir, { recursive: true });
  const ran: string[] = [];
  const skipped: string[] = [];
  const env = { ...opts.env, CUDA_VISIBLE_DEVICES: String(opts.gpu) };
  for (const step of task.steps) {
    if (step.doneWhen.every((f) => existsSync(f))) {
      log(`skip ${step.name} of ${task.id}: ${step.doneWhen.join(', ')} exists`);
      skipped.push(step.name);
      continue;
    }
    const [, ...args] = step.argv;
    const python = opts.python ?? step.argv[0] ?? 'python';
    log(
      `(cd ${shellQuote(cwd, 'svox2 dir', { multiline: true })} && CUDA_VISIBLE_DEVICES=${env.CUDA_VISIBLE_DEVICES} ${formatCommandLine(python, args)})`,
    );
    const out = await runCommand(python, args, {
      cwd,
      env,
      signal: opts.signal,
      timeoutMs: opts.timeoutMs ?? 24 * 3600_000,
      missingHint: 'Give the Python of the svox2 environment with --python.',
    });
    if (step.name === 'train') {
      writeFileSync(pyJoin(task.trainDir, trainFiles.log), out.stdout);
      // tuning mode: autotune records the last eval PSNR, which also marks the task done
      if (!task.eval)
        writeFileSync(task.skipWhen, floatRepr(finalPsnr(parseEvalStats(out.stdout))));
    }
    ran.push(step.name);
  }
  return { ran, skipped, result: collectResult(task.trainDir) };
}
