import { CommandError } from '../errors.js';

/** A Slurm command failed: carries the command line as a user could paste it, exit code and stderr. */
export class SlurmCommandError extends CommandError {}
