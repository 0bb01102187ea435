import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { ResultPromise } from 'execa';
import { CommandError, MissingBinaryError } from '../errors.js';
import { shellJoin, shellQuote } from '../shell/quote.js';

/** Options for one external command. Every call has a timeout (default 60 s). */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  input?: string;
  /** What to tell the user when the program is missing. */
  missingHint?: string;
  /**
   * Each output line as it comes, instead of keeping the output: the result's stdout and stderr
   * are then empty, and a long-running program's output costs no memory.
   */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** The command as a user could paste it, with the environment overrides that matter in front. */
export function formatCommandLine(
  file: string,
  args: readonly string[],
  env?: RunOptions['env'],
): string {
  const prefix = Object.entries(env ?? {})
    .filter(
      ([k, v]) => v !== undefined && (k.startsWith('SLURM_') || k.startsWith('CLUSTER_TOOL_')),
    )
    .map(([k, v]) => `${k}=${shellQuote(v ?? '', k, { multiline: true })} `)
    .join('');
  return prefix + shellJoin([file, ...args]);
}

let execaModule: Promise<typeof import('execa')> | undefined;
/**
 * execa, loaded on first use: it is a third of what an agent's modules cost to load, and that CPU
 * comes out of Blender's start beside it; a Blender agent seldom runs a command at all.
 */
const loadExeca = () => (execaModule ??= import('execa'));

/** Runs `file` with an argument array (never a shell string); throws `CommandError` on failure. */
export async function runCommand(
  file: string,
  args: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const command = formatCommandLine(file, args, opts.env);
  const { execa } = await loadExeca();
  try {
    const result = await execa(file, args, {
      env: opts.env,
      cwd: opts.cwd,
      timeout: opts.timeoutMs ?? 60_000,
      cancelSignal: opts.signal,
      input: opts.input,
      stdin: opts.input === undefined ? 'ignore' : undefined,
      reject: false,
      ...(opts.onLine ? streamedTo(opts.onLine) : {}),
    });
    if (result.failed) {
      if ((result as { code?: string }).code === 'ENOENT') {
        throw new MissingBinaryError(
          file,
          opts.missingHint ?? 'Install it or add its directory to PATH.',
        );
      }
      throw new CommandError({
        command,
        code: result.exitCode,
        stderr: String(result.stderr || result.stdout || result.shortMessage || ''),
        timedOut: result.timedOut,
      });
    }
    return { stdout: result.stdout, stderr: result.stderr };
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') {
      throw new MissingBinaryError(
        file,
        opts.missingHint ?? 'Install it or add its directory to PATH.',
      );
    }
    throw err;
  }
}

/** execa's per-line transforms that hand each line on and keep none (they yield nothing). */
function streamedTo(onLine: NonNullable<RunOptions['onLine']>) {
  return {
    stdout: function* (line: unknown) {
      onLine('stdout', String(line));
      yield* [];
    },
    stderr: function* (line: unknown) {
      onLine('stderr', String(line));
      yield* [];
    },
  };
}

/**
 * Starts a long-lived child; the caller owns its lifetime. The child comes wrapped: a bare one
 * is a promise of its end, which `await` would wait for.
 */
export async function spawnProcess(
  file: string,
  args: readonly string[],
  opts: Omit<RunOptions, 'timeoutMs' | 'input'> & {
    detached?: boolean;
    stdio?: 'inherit' | 'pipe' | 'ignore';
    /** Closes the child's stdin (its output still piped), for programs that must not wait on it. */
    noStdin?: boolean;
    /** `env` is the child's whole environment, not additions to this process's. */
    wholeEnv?: boolean;
  } = {},
): Promise<{ child: ResultPromise }> {
  const { execa } = await loadExeca();
  const child = execa(file, args, {
    env: opts.env,
    extendEnv: !opts.wholeEnv,
    cwd: opts.cwd,
    cancelSignal: opts.signal,
    detached: opts.detached,
    ...(opts.noStdin
      ? { stdin: 'ignore' as const, stdout: 'pipe' as const, stderr: 'pipe' as const }
      : { stdio: opts.stdio ?? 'pipe' }),
    reject: false,
    buffer: false,
  });
  return { child };
}

/**
 * Starts a daemon-like child in its own session with output appended to `logFile`, and lets this
 * process exit without waiting for it. Returns its pid.
 */
export function spawnDetached(
  file: string,
  args: readonly string[],
  opts: { logFile: string; env?: Record<string, string | undefined>; cwd?: string },
): number {
  const fd = openSync(opts.logFile, 'a', 0o600);
  const child = spawn(file, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: opts.env,
    cwd: opts.cwd,
  });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined)
    throw new MissingBinaryError(file, 'Install it or add its directory to PATH.');
  return child.pid;
}
