import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActionCommand } from '../../openjd/host-scope.js';
import type { OutputEvent } from '../../openjd/output-messages.js';
import type { Redactor } from '../../openjd/redaction.js';
import { failureHeadline } from '../../process/failure-headline.js';
import { spawnProcess } from '../../process/run.js';

/** How one action ended, and what it said on stdout. */
export interface ActionOutcome {
  /** The exit code; null when a signal ended it or it never started. */
  exitCode: number | null;
  signal: string | null;
  /** Why it was stopped: its timeout, or a cancel (the lease was lost, the job ended). */
  stopped: 'timeout' | 'cancel' | null;
  /** Why it could not start (a missing program), else null. */
  startError: string | null;
  seconds: number;
  /** The understood stdout messages, in order (see parseOutputLine). */
  events: OutputEvent[];
  /** The last lines of stdout and stderr, interleaved as they came. */
  tail: string[];
  /** The last lines of stderr alone (the last one names the cause when nothing else does). */
  errors: string[];
}

const TAIL_LINES = 40;

/**
 * Kills an action's process group once the agent that started it is gone (SIGKILLed, or exited
 * on a signal), so that no task outlives its agent and runs on beside its retry. Our own fixed
 * script: it sees only two pids, never a user value.
 */
const GUARD =
  'while kill -0 "$1" 2>/dev/null && kill -0 -"$2" 2>/dev/null; do sleep 1; done; kill -KILL -"$2" 2>/dev/null; exit 0';

async function guard(group: number | undefined): Promise<{ stop(): void }> {
  if (!group) return { stop: () => {} };
  const { child: g } = await spawnProcess(
    'sh',
    ['-c', GUARD, 'ct-openjd-guard', String(process.pid), String(group)],
    {
      stdio: 'ignore',
    },
  );
  g.catch(() => {});
  return { stop: () => void g.kill('SIGKILL') };
}

/**
 * Runs one action as an argv (never through a shell) in its own process group, with `env` as its
 * whole environment. Output goes to `line` as it comes, masked by the session's redactor; stdout
 * lines are read for OpenJD's messages. The timeout and `signal` cancel it as its `cancelation` says (2023-09 Template
 * Schemas §5.3; openjd-sessions-for-python `_runner_base.py`): TERMINATE kills the group;
 * NOTIFY_THEN_TERMINATE writes `cancel_info.json` ({"NotifyEnd": time}) in the session
 * directory, sends SIGTERM, and kills the group once the notify period is over.
 */
export async function runAction(
  cmd: ActionCommand,
  o: {
    cwd: string;
    env: Record<string, string | undefined>;
    sessionDir: string;
    /** The output as it comes, line by line, with the stream each came on (masked). */
    line?: (stream: 'stdout' | 'stderr', line: string) => void;
    signal?: AbortSignal;
    /** The session's redacted values: every line is masked before anything of it is kept. */
    redactor: Redactor;
  },
): Promise<ActionOutcome> {
  const started = Date.now();
  const [file, ...args] = cmd.argv;
  const events: OutputEvent[] = [];
  const tail: string[] = [];
  const errors: string[] = [];
  const keep = (line: string, into = tail) => {
    into.push(line);
    if (into.length > TAIL_LINES) into.shift();
  };
  const { child } = await spawnProcess(file ?? '', args, {
    cwd: o.cwd,
    env: o.env,
    detached: true,
    noStdin: true,
    wholeEnv: true,
  });
  const guardian = await guard(child.pid);
  let stopped: ActionOutcome['stopped'] = null;
  const group = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };
  let exited = false;
  const stop = async (why: 'timeout' | 'cancel') => {
    if (stopped || exited) return;
    stopped = why;
    if (cmd.cancelation.mode === 'NOTIFY_THEN_TERMINATE') {
      const end = new Date(Date.now() + cmd.cancelation.notifyPeriodSeconds * 1000);
      writeFileSync(
        path.join(o.sessionDir, 'cancel_info.json'),
        JSON.stringify({ NotifyEnd: end.toISOString().replace(/\.\d{3}Z$/, 'Z') }),
        { mode: 0o600 },
      );
      group('SIGTERM');
      const deadline = end.getTime();
      while (!exited && Date.now() < deadline) await sleep(100);
    }
    group('SIGKILL');
  };
  const timer =
    cmd.timeoutSeconds === null
      ? undefined
      : setTimeout(() => void stop('timeout'), cmd.timeoutSeconds * 1000);
  const onAbort = () => void stop('cancel');
  o.signal?.addEventListener('abort', onAbort);
  if (o.signal?.aborted) onAbort();
  const lines = (stream: NodeJS.ReadableStream | null, parse: boolean) => {
    let rest = '';
    stream?.setEncoding('utf8');
    const name = parse ? 'stdout' : 'stderr';
    const take = (raw: string) => {
      const { kept: line, event } = parse
        ? o.redactor.stdoutLine(raw)
        : { kept: o.redactor.stderrLine(raw), event: null };
      o.line?.(name, line);
      keep(line);
      if (!parse && line.trim()) keep(line, errors);
      if (event) events.push(event);
    };
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) take(line);
    });
    return () => {
      if (rest) take(rest);
    };
  };
  const flushOut = lines(child.stdout, true);
  const flushErr = lines(child.stderr, false);
  const result = await child;
  exited = true;
  guardian.stop();
  if (timer) clearTimeout(timer);
  o.signal?.removeEventListener('abort', onAbort);
  flushOut();
  flushErr();
  const code = (result as { code?: string }).code;
  return {
    exitCode: typeof result.exitCode === 'number' ? result.exitCode : null,
    signal: result.signal ?? null,
    stopped,
    startError:
      code === 'ENOENT'
        ? `${file ?? ''} was not found: install it on the nodes or give its full path`
        : code === 'EACCES'
          ? `${file ?? ''} is not executable`
          : null,
    seconds: (Date.now() - started) / 1000,
    events,
    tail,
    errors,
  };
}

/**
 * What went wrong with an action, as a headline (see failure-headline.ts), or null when it
 * succeeded. `what` names it when the task's own name does not (an environment's onEnter).
 */
export function actionFailure(what: string, r: ActionOutcome): string | null {
  const fail = [...r.events].reverse().find((e) => e.kind === 'fail');
  const said = fail?.kind === 'fail' ? fail.message : undefined;
  const ended = (how: string) => (what ? `${what}: ${how}` : how);
  if (r.startError) return ended(r.startError);
  if (r.stopped === 'timeout')
    return failureHeadline(ended(`timed out after ${Math.round(r.seconds)} s`), { said });
  if (r.stopped === 'cancel') return ended('cancelled');
  // Killed: a line it printed may say why, but its last stderr line is no more than the last.
  if (r.signal) return failureHeadline(ended(`killed by ${r.signal}`), { said, output: r.tail });
  if (r.exitCode !== 0)
    return failureHeadline(ended(`exited with code ${String(r.exitCode)}`), {
      said,
      output: r.tail,
      errors: r.errors,
    });
  return null;
}
