import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatFrames, frameFileName } from '../src/renderers/blender/frames.js';
import { isJobActive, type SlurmClient } from '../src/slurm/client.js';
import { BenchError } from './errors.js';

/**
 * Waits until no job named `name` is pending or running, then returns the finished jobs' states.
 * Array tasks carry the array's name, so this waits for every task. Cancels them on timeout.
 */
export async function waitForJobsNamed(
  client: SlurmClient,
  name: string,
  opts: { leg: string; timeoutMs: number; pollMs?: number },
): Promise<{ jobId: number; state: string }[]> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const jobs = await client.squeue({ name });
    const active = jobs.filter(isJobActive);
    if (active.length === 0) return jobs.map((j) => ({ jobId: j.jobId, state: j.state }));
    if (Date.now() > deadline) {
      await client.scancel(active.map((j) => j.jobId)).catch(() => undefined);
      throw new BenchError(
        opts.leg,
        `jobs ${name} did not finish within ${Math.round(opts.timeoutMs / 1000)} s; cancelled them`,
      );
    }
    // A slow poll on purpose: every squeue takes CPU from the slots being measured.
    await sleep(opts.pollMs ?? 1_000);
  }
}

/** The last lines of every Slurm output file in `logDir` whose name starts with `prefix`. */
export function logTails(logDir: string, prefix: string, lines = 5): string[] {
  const names = existsSync(logDir) ? readdirSync(logDir).filter((n) => n.startsWith(prefix)) : [];
  return names.flatMap((n) => {
    const text = readFileSync(path.join(logDir, n), 'utf8').trimEnd().split('\n');
    return [`${n}:`, ...text.slice(-lines).map((l) => `  ${l}`)];
  });
}

/**
 * Checks that every frame has its PNG in `outDir` and returns the latest modification time
 * (ms since the epoch): when the last frame was written. Throws naming the missing frames.
 */
/** When the first of `frames` landed in `outDir` (epoch ms, from the files' mtimes); frames must all be there. */
export function firstFrameWrittenAt(outDir: string, frames: readonly number[]): number {
  return Math.min(
    ...frames.map((f) => statSync(path.join(outDir, frameFileName(f, 'PNG'))).mtimeMs),
  );
}

export function lastFrameWrittenAt(
  leg: string,
  outDir: string,
  frames: readonly number[],
  logHint: string[],
): number {
  const missing: number[] = [];
  let last = 0;
  for (const f of frames) {
    const file = path.join(outDir, frameFileName(f, 'PNG'));
    if (!existsSync(file)) {
      missing.push(f);
      continue;
    }
    last = Math.max(last, statSync(file).mtimeMs);
  }
  if (missing.length) {
    throw new BenchError(leg, `no image in ${outDir} for frames ${formatFrames(missing)}`, logHint);
  }
  return last;
}

/**
 * Waits until every node is idle and done completing its last job, so that each leg's first
 * submission finds the cluster as a user's would, not still busy with the leg before.
 */
export async function waitNodesIdle(
  client: SlurmClient,
  leg: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const busy = (await client.nodes()).filter(
      (n) => n.state !== 'idle' || n.flags.includes('COMPLETING'),
    );
    if (busy.length === 0) return;
    if (Date.now() > deadline)
      throw new BenchError(
        leg,
        `nodes ${busy.map((n) => `${n.name} (${[n.state, ...n.flags].join('+')})`).join(', ')} not idle within ${timeoutMs / 1000} s`,
      );
    await sleep(100);
  }
}
