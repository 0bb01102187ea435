import { CliError } from '../src/errors.js';

/** A bench leg could not finish: a Slurm job failed, timed out, or left frames unrendered. */
export class BenchError extends CliError {
  /** Which leg failed, e.g. `static split`. */
  readonly leg: string;
  /** The last lines of the failed jobs' Slurm output files, oldest first. */
  readonly logTail: string[];
  constructor(leg: string, message: string, logTail: string[] = []) {
    const tail = logTail.length ? `\n${logTail.map((l) => `  ${l}`).join('\n')}` : '';
    super(`${leg}: ${message}${tail}`);
    this.leg = leg;
    this.logTail = logTail;
  }
}
