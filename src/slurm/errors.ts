import { CommandError } from '../errors.js';

/** A Slurm command failed: carries the command line as a user could paste it, exit code and stderr. */
export class SlurmCommandError extends CommandError {}

/**
 * Slurm's answers that mean "not now" rather than "no": slurmctld busy or restarting, a job
 * whose record is still being written (`scontrol update` soon after a change: "Job update not
 * available right now, the DB index is being set"), a timed-out socket.
 */
const TRANSIENT =
  /not available right now|DB index is being set|try again|temporarily unavailable|Socket timed out|Unable to contact slurm controller|Slurm backup controller in standby/i;

/** Whether a failed Slurm command is worth trying again in a moment. */
export function isTransientSlurmError(err: unknown): boolean {
  if (!(err instanceof CommandError)) return false;
  // slurmctld already waited 5 s for the index before answering; without accounting it never comes.
  if (/DB index is being set/.test(err.stderr)) return false;
  return err.timedOut || TRANSIENT.test(err.stderr) || TRANSIENT.test(err.message);
}
