// What a failed attempt leads to, decided from its facts alone: no store, no clock of its own.
// The desk gathers the facts, asks here, and carries the answer out. Whether the task itself
// fails for good (no attempt left) is the store's to say, in the same statement that counts the
// attempt (`TasksTable.fail`).

/** How long a task waits before an agent that failed it may try it again (none other left). */
export function retryPauseMs(attempt: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 60_000);
}

/**
 * How many attempts a task of a job gets: one more than the retries its job asks for
 * (`maxRetriesPerTask`, Deadline Cloud's name; 0 is one try), else the coordinator's default.
 */
export function attemptsAllowed(
  maxRetriesPerTask: number | undefined,
  defaultAttempts: number,
): number {
  return maxRetriesPerTask === undefined ? defaultAttempts : maxRetriesPerTask + 1;
}

/** A job whose output cannot be written pauses at most this long between tries... */
export const MAX_JOB_PAUSE_MS = 30_000;
/** ...and fails once it has not been able to write for this long. */
export const JOB_FAULT_PATIENCE_MS = 10 * 60_000;

/** A failed attempt the agent is to blame for (the default: something on its node or GPU). */
export interface AgentFault {
  /** The attempts the task had used before this one. */
  attempts: number;
  /** The agent's failures on this job before this one. */
  agentFailures: number;
  /** Failures after which an agent is blocklisted for the job. */
  maxAgentFailures: number;
  now: number;
}

/**
 * The answer to an agent's fault: the task may go to another agent at once, and to this one
 * not before `notBefore`; the agent's failures on the job are now `failures`, and with
 * `blocklist` it gets no more of the job's work.
 */
export interface AgentFaultDecision {
  retry: { notBefore: number };
  failures: number;
  blocklist: boolean;
}

export function agentFault(f: AgentFault): AgentFaultDecision {
  const failures = f.agentFailures + 1;
  return {
    retry: { notBefore: f.now + retryPauseMs(f.attempts + 1) },
    failures,
    blocklist: failures >= f.maxAgentFailures,
  };
}

/**
 * A failed attempt the job is to blame for (its output cannot be written: the same would happen
 * on every agent). `since`: when the first of the job's consecutive such failures came; `count`:
 * how many there have been, this one included.
 */
export interface JobFault {
  since: number;
  count: number;
  now: number;
  error: string;
}

/** The job waits `pauseJob` ms and tries again (no attempt counted), or fails for `failJob`. */
export type JobFaultDecision = { pauseJob: number } | { failJob: string };

export function jobFault(f: JobFault): JobFaultDecision {
  const failingMs = f.now - f.since;
  if (failingMs > JOB_FAULT_PATIENCE_MS)
    return {
      failJob: `the job's output could not be written for ${Math.round(failingMs / 60_000)} min: ${f.error}`,
    };
  return { pauseJob: Math.min(1_000 * 2 ** (f.count - 1), MAX_JOB_PAUSE_MS) };
}
