/**
 * Messages an action prints on stdout to talk to the system that runs it (openjd-specifications
 * wiki "How Jobs Are Run", §Stdout messages; the `openjd_env`/`openjd_unset_env` patterns are in
 * 2023-09 Template Schemas §4): `openjd_progress: <0..100>`, `openjd_status: <text>`,
 * `openjd_fail: <text>`, and from an environment's onEnter `openjd_env: NAME=value` and
 * `openjd_unset_env: NAME`; with the REDACTED_ENV_VARS extension (RFC 0003) also
 * `openjd_redacted_env: NAME=value`, set like `openjd_env` but masked wherever output is kept
 * (see redaction.ts). `openjd_metric: name=value` is ours, for numbers a task reports.
 */

/** One understood line. `malformed` is a line that starts like a message but does not parse. */
export type OutputEvent =
  | { kind: 'progress'; percent: number }
  | { kind: 'status'; message: string }
  | { kind: 'fail'; message: string }
  | { kind: 'env'; name: string; value: string }
  | { kind: 'redacted_env'; name: string; value: string }
  | { kind: 'unset_env'; name: string }
  | { kind: 'metric'; name: string; value: number }
  | { kind: 'malformed'; line: string; why: string };

const MESSAGE = /^openjd_(progress|status|fail|env|redacted_env|unset_env|metric): ?(.*)$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Parses one stdout line; null when it is ordinary output. A trailing `\r` is ignored. */
export function parseOutputLine(rawLine: string): OutputEvent | null {
  const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
  const m = MESSAGE.exec(line);
  if (!m) return null;
  const kind = m[1] as string;
  const rest = m[2] as string;
  const bad = (why: string): OutputEvent => ({ kind: 'malformed', line, why });
  switch (kind) {
    case 'progress': {
      const n = Number(rest.trim());
      if (rest.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100)
        return bad('progress must be a number from 0 to 100');
      return { kind: 'progress', percent: n };
    }
    case 'status':
      return { kind: 'status', message: rest };
    case 'fail':
      return { kind: 'fail', message: rest };
    case 'env': {
      const eq = rest.indexOf('=');
      const name = eq < 0 ? '' : rest.slice(0, eq).trim();
      if (!ENV_NAME.test(name)) return bad('write openjd_env: NAME=value');
      return { kind: 'env', name, value: rest.slice(eq + 1) };
    }
    case 'redacted_env': {
      // the name exactly as written: `NAME =x` is refused, not read as NAME (the value may
      // begin with spaces, and is kept as written)
      const eq = rest.indexOf('=');
      const name = eq < 0 ? '' : rest.slice(0, eq).trimStart();
      if (!ENV_NAME.test(name)) return bad('write openjd_redacted_env: NAME=value');
      return { kind: 'redacted_env', name, value: rest.slice(eq + 1) };
    }
    case 'unset_env': {
      const name = rest.trim();
      return ENV_NAME.test(name)
        ? { kind: 'unset_env', name }
        : bad('write openjd_unset_env: NAME');
    }
    default: {
      const eq = rest.indexOf('=');
      const name = eq < 0 ? '' : rest.slice(0, eq).trim();
      const value = Number(rest.slice(eq + 1).trim());
      if (!METRIC_NAME.test(name) || rest.slice(eq + 1).trim() === '' || !Number.isFinite(value))
        return bad('write openjd_metric: name=number');
      return { kind: 'metric', name, value };
    }
  }
}

/** Parses every line (split on newlines), keeping only the understood ones, in order. */
export function parseOutput(text: string | Iterable<string>): OutputEvent[] {
  const lines = typeof text === 'string' ? text.split('\n') : text;
  const out: OutputEvent[] = [];
  for (const line of lines) {
    const e = parseOutputLine(line);
    if (e) out.push(e);
  }
  return out;
}

/**
 * The environment after an onEnter action's messages: `openjd_env` and `openjd_redacted_env`
 * set, `openjd_unset_env`
 * removes, and an unset wins over a set of the same variable (§4).
 */
export function applyEnvMessages(
  env: Readonly<Record<string, string>>,
  events: readonly OutputEvent[],
): Record<string, string> {
  const out: Record<string, string> = { ...env };
  const unset = new Set<string>();
  for (const e of events) {
    if (e.kind === 'env' || e.kind === 'redacted_env') out[e.name] = e.value;
    else if (e.kind === 'unset_env') unset.add(e.name);
  }
  for (const n of unset) delete out[n];
  return out;
}
