import { parseOutputLine, type OutputEvent } from './output-messages.js';

/**
 * Redacted environment variables (REDACTED_ENV_VARS, openjd-specifications RFC 0003): a value
 * an action sets with `openjd_redacted_env: NAME=value` is replaced by `********` in everything
 * kept of a session's output from then on (logs, the task's output file, its result, failure
 * messages), the line that set it included. One Redactor lives as long as the session, so a value
 * set by an environment's onEnter is masked in every later task's output too.
 */
export const REDACTED = '********';

const SETTING = /^(openjd_redacted_env: ?)(.*)$/;

export class Redactor {
  private readonly values = new Set<string>();

  /** Masks every value registered so far. */
  mask(text: string): string {
    let out = text;
    // longest first, so a value that contains another is masked whole
    for (const v of [...this.values].sort((a, b) => b.length - a.length))
      out = out.split(v).join(REDACTED);
    return out;
  }

  /**
   * Reads one stdout line: registers the value a redacted setting carries (before anything of the
   * line is kept), and returns the line as it may be kept with the message it carries. A setting
   * that does not parse is masked after its `=` all the same: its value must not leak because
   * its name was mistyped.
   */
  stdoutLine(line: string): { kept: string; event: OutputEvent | null } {
    const raw = parseOutputLine(line);
    if (raw?.kind === 'redacted_env' && raw.value.trim() !== '') this.values.add(raw.value);
    const kept = this.line(line);
    if (kept === null) {
      const masked = this.mask(line);
      return { kept: masked, event: parseOutputLine(masked) };
    }
    const event: OutputEvent =
      raw?.kind === 'redacted_env'
        ? raw
        : { kind: 'malformed', line: kept, why: 'write openjd_redacted_env: NAME=value' };
    return { kept, event };
  }

  /** A stderr line as it may be kept: a setting there sets nothing, but is masked all the same. */
  stderrLine(line: string): string {
    return this.line(line) ?? this.mask(line);
  }

  /** A setting line with everything after its `=` masked; null when the line is not one. */
  private line(line: string): string | null {
    const setting = SETTING.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (!setting) return null;
    const rest = setting[2] ?? '';
    const eq = rest.indexOf('=');
    return `${setting[1] ?? ''}${eq < 0 ? REDACTED : `${rest.slice(0, eq + 1)}${REDACTED}`}`;
  }
}

/**
 * A command line as it may be logged: the value of an `openjd_redacted_env:` setting written in
 * the command itself (`echo openjd_redacted_env: TOKEN=abc`) is masked, and so is every value
 * registered so far.
 */
export function maskCommand(text: string, redactor?: Redactor): string {
  const masked = text.replace(/(openjd_redacted_env:[^=\n"'\\]*=)[^"'\\\n]*/g, `$1${REDACTED}`);
  return redactor ? redactor.mask(masked) : masked;
}
