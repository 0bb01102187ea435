import { CliError } from '../errors.js';

/** Something a request names does not exist (a job, an agent, a task of that job). */
export class NotFoundError extends CliError {
  constructor(message: string) {
    super(message, 4);
  }
}

/** A request that conflicts with the state it meets (a lease another agent holds now). */
export class ConflictError extends CliError {
  constructor(message: string) {
    super(message, 1);
  }
}
