import { setTimeout as sleep } from 'node:timers/promises';
import type { SlurmClient } from '../src/slurm/client.js';
import { BenchError } from './errors.js';

/**
 * Holds every node of the bench cluster with an allocation of its own (`salloc --no-shell`), so
 * that jobs submitted one after another all wait in Slurm's queue: the first of them cannot take
 * the idle nodes before the others are there. `release` lets them start together.
 */
export async function holdNodes(client: SlurmClient, nodes: number, leg: string) {
  const hold = await client.sallocNoShell([
    `--nodes=${nodes}`,
    '--exclusive',
    '--time=60',
    '--job-name=ct-bench-hold',
  ]);
  let released = false;
  return {
    /**
     * Once Slurm has `pending` jobs waiting, ends the hold and returns that instant (ms). Jobs
     * submitted through a coordinator reach Slurm a moment after the submission's reply.
     */
    async release(pending: number, timeoutMs = 60_000): Promise<number> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const waiting = (await client.squeue()).filter((j) => j.state === 'PENDING').length;
        if (waiting >= pending) break;
        if (Date.now() > deadline) {
          await this.cancel();
          throw new BenchError(leg, `${waiting} of ${pending} Slurm jobs queued within 60 s`);
        }
        await sleep(100);
      }
      const at = Date.now();
      await this.cancel();
      return at;
    },
    /** Ends the hold (again harmless). */
    async cancel(): Promise<void> {
      if (released) return;
      released = true;
      await client.scancel([hold]);
    },
  };
}
