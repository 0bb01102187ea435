import { describe, expect, it } from 'vitest';
import {
  agentFault,
  JOB_FAULT_PATIENCE_MS,
  jobFault,
  MAX_JOB_PAUSE_MS,
  retryPauseMs,
} from '../../src/coordinator/desk/failure-policy.js';

const now = 1_000_000;

describe('an attempt the agent failed', () => {
  it('lets the same agent retry only after a pause that doubles each attempt, up to a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(retryPauseMs)).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
    expect(retryPauseMs(0)).toBe(2_000);
  });

  it('retries the task after the pause of the attempt just made, and counts the failure', () => {
    expect(agentFault({ attempts: 0, agentFailures: 0, maxAgentFailures: 3, now })).toEqual({
      retry: { notBefore: now + 2_000 },
      failures: 1,
      blocklist: false,
    });
    expect(agentFault({ attempts: 2, agentFailures: 1, maxAgentFailures: 3, now })).toEqual({
      retry: { notBefore: now + 8_000 },
      failures: 2,
      blocklist: false,
    });
  });

  it('blocklists the agent for the job once its failures reach the limit', () => {
    const third = agentFault({ attempts: 0, agentFailures: 2, maxAgentFailures: 3, now });
    expect(third).toMatchObject({ failures: 3, blocklist: true });
    expect(agentFault({ attempts: 0, agentFailures: 0, maxAgentFailures: 1, now })).toMatchObject({
      failures: 1,
      blocklist: true,
    });
  });
});

describe('an attempt that failed by the job’s fault (its output cannot be written)', () => {
  const fault = (count: number, failingMs: number) =>
    jobFault({ since: now - failingMs, count, now, error: 'ENOSPC' });

  it('pauses the job for a second, then twice as long each time, at most half a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => fault(n, 0))).toEqual(
      [
        1_000,
        2_000,
        4_000,
        8_000,
        16_000,
        MAX_JOB_PAUSE_MS,
        MAX_JOB_PAUSE_MS,
        MAX_JOB_PAUSE_MS,
      ].map((pauseJob) => ({ pauseJob })),
    );
  });

  it('keeps pausing while the job has been failing so for up to its patience', () => {
    expect(fault(40, JOB_FAULT_PATIENCE_MS)).toEqual({ pauseJob: MAX_JOB_PAUSE_MS });
  });

  it('fails the job once it has failed so for longer, saying for how long and why', () => {
    expect(fault(41, JOB_FAULT_PATIENCE_MS + 1)).toEqual({
      failJob: "the job's output could not be written for 10 min: ENOSPC",
    });
    expect(fault(2, 25 * 60_000)).toEqual({
      failJob: "the job's output could not be written for 25 min: ENOSPC",
    });
  });
});
