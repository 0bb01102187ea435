import { CliError } from '../errors.js';

/** Prints an error the way a user should see it and returns the exit code. */
export function reportError(
  err: unknown,
  write: (s: string) => void = (s) => process.stderr.write(s),
): number {
  if (err instanceof CliError) {
    write(`error: ${err.message}\n`);
    return err.exitCode;
  }
  write(
    `internal error (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 70;
}
