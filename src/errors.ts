/**
 * Errors that reach the user. The CLI's single top-level catch turns a `CliError` into its message
 * and exit code; anything else is a bug and is printed with its stack.
 */
export class CliError extends Error {
  /** Process exit code; 1 unless the error is about how the tool was called. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** The user asked for something that cannot be done as asked (a bad flag, a bad value). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A program the tool needs is not installed or not on PATH. */
export class MissingBinaryError extends CliError {
  readonly binary: string;
  constructor(binary: string, hint: string) {
    super(`${binary} was not found on PATH. ${hint}`, 3);
    this.binary = binary;
  }
}

/** An external command ran and failed. `command` is the line as a user could paste it. */
export class CommandError extends CliError {
  readonly command: string;
  readonly code: number | undefined;
  readonly stderr: string;
  readonly timedOut: boolean;
  constructor(opts: {
    command: string;
    code: number | undefined;
    stderr: string;
    timedOut?: boolean;
  }) {
    const how = opts.timedOut
      ? 'timed out'
      : opts.code === undefined
        ? 'was killed'
        : `exited with ${opts.code}`;
    const tail = opts.stderr.trim()
      ? `: ${opts.stderr.trim().split('\n').slice(-5).join('\n')}`
      : '';
    super(`\`${opts.command}\` ${how}${tail}`);
    this.command = opts.command;
    this.code = opts.code;
    this.stderr = opts.stderr;
    this.timedOut = opts.timedOut ?? false;
  }
}
