import { setTimeout as sleep } from 'node:timers/promises';
import { parseWire } from '../api/parse.js';
import type { z } from 'zod';
import { ApiError, UnreachableError } from '../api/http-client.js';
import { callApiOverNodeHttp } from '../api/node-http-call.js';
import {
  AGENT_ROUTES,
  completeReply,
  leaseReply,
  registerReply,
  type LeasedTask,
  type LeaseReplyBody,
  type TaskProgressReport,
  type WarmUp,
} from '../api/agent-protocol.js';
import { stamped, startTimes } from './early-start.js';
import { TaskFailure, type TaskRunner } from './runner.js';

export interface AgentOptions {
  coordinatorUrl: string;
  token: string;
  jobId: string;
  node: string;
  gpu: string;
  slurmJobId: number;
  runners: TaskRunner[];
  /** A warm-up begun before registering (the allocation script named it); not begun twice. */
  warmUp?: WarmUp;
  /** How long to keep trying while the coordinator is unreachable (ms, default 5 min). */
  patienceMs?: number;
  /** Long-poll length (ms, default 5 s). */
  pollMs?: number;
  /** When its modules had loaded, in ms since the process started (for the registration's log line). */
  loadedAtMs?: number;
  log?: (line: string) => void;
}

/**
 * One agent per GPU: registers, then leases, runs and reports tasks until the coordinator says
 * there is no more work for it. It renews each lease while the task runs and stops the task if
 * the lease is lost; it rides out a coordinator restart by retrying until `patienceMs`.
 */
export class Agent {
  private agentId = '';
  private leaseMs = 15_000;
  private readonly log: (line: string) => void;

  constructor(private readonly o: AgentOptions) {
    this.log = o.log ?? stamped;
  }

  /**
   * POSTs to the coordinator and checks the reply against `schema` (a 204 has no body). Retries
   * while the coordinator is unreachable or answers 5xx (its own trouble: restarting, busy),
   * never on 4xx, which say this request is wrong or no longer wanted.
   */
  private async call<T>(
    route: string,
    body: unknown,
    schema?: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<{ status: number; data: T | undefined }> {
    const deadline = Date.now() + (this.o.patienceMs ?? 300_000);
    let delay = 200;
    for (;;) {
      try {
        const r = await callApiOverNodeHttp<unknown>(
          this.o.coordinatorUrl,
          this.o.token,
          'POST',
          route,
          body,
          signal,
        );
        if (!schema || r.data === undefined) return { status: r.status, data: undefined };
        const parsed = parseWire(schema, r.data, `reply to ${route}`);
        if (!parsed.ok) throw new Error(`the coordinator's ${parsed.error}`);
        return { status: r.status, data: parsed.value };
      } catch (err) {
        const retry =
          err instanceof UnreachableError || (err instanceof ApiError && err.status >= 500);
        if (!retry || Date.now() > deadline || signal?.aborted) throw err;
        this.log(`${err.message}; retrying`);
        await sleep(delay);
        delay = Math.min(delay * 2, 3_000);
      }
    }
  }

  /** Runs until told to exit; resolves with the reason. */
  async run(): Promise<string> {
    const early = this.o.warmUp;
    if (early) this.warmUp(early);
    try {
      const reg = await this.call(
        AGENT_ROUTES.register,
        {
          jobId: this.o.jobId,
          node: this.o.node,
          gpu: this.o.gpu,
          slurmJobId: this.o.slurmJobId,
          pid: process.pid,
        },
        registerReply,
      );
      if (!reg.data || 'exit' in reg.data) return reg.data?.exit ?? 'registration refused';
      this.agentId = reg.data.agentId;
      this.leaseMs = reg.data.leaseMs;
      this.log(`registered as ${this.agentId}${startTimes(this.o.loadedAtMs)}`);
      const named = reg.data.warmUp;
      if (named && JSON.stringify(named) !== JSON.stringify(early)) this.warmUp(named);
      // The completion of a task brings the next one along when there is one (see runTask).
      let next: LeaseReplyBody | undefined;
      for (;;) {
        let lease = next;
        next = undefined;
        if (!lease) {
          const r = await this.call(
            AGENT_ROUTES.lease,
            { agentId: this.agentId, waitMs: this.o.pollMs ?? 5_000 },
            leaseReply,
          );
          if (r.status === 204 || !r.data) continue;
          lease = r.data;
        }
        if ('exit' in lease) {
          this.log(`exiting: ${lease.exit}`);
          return lease.exit;
        }
        next = await this.runTask(lease.task);
      }
    } finally {
      // Also when registration is refused: a Blender started early must not outlive the agent.
      await Promise.all(this.o.runners.map((x) => x.close().catch(() => {})));
    }
  }

  /** Lets the runner of the job's first task kind load what it needs while this agent leases. */
  private warmUp(w: WarmUp): void {
    const runner = this.o.runners.find((r) => r.kinds.includes(w.kind));
    if (!runner?.warmUp) return;
    this.log(`warming up ${w.kind}`);
    runner
      .warmUp(w.kind, w.payload, {
        gpu: this.o.gpu,
        signal: new AbortController().signal,
        log: (l) => this.log(l),
      })
      .catch((err: Error) =>
        this.log(`warm-up failed (the first task starts afresh): ${err.message}`),
      );
  }

  /** Runs a task and reports it; returns the next lease when the completion brought one. */
  private async runTask(task: LeasedTask): Promise<LeaseReplyBody | undefined> {
    const runner = this.o.runners.find((r) => r.kinds.includes(task.kind));
    const abort = new AbortController();
    const label = `task ${task.id} (${task.kind}${task.frames.length ? ` frames ${task.frames.join(',')}` : ''})`;
    this.log(`leased ${label}`);
    // The runner's latest progress rides on the renewals: no request of its own per sample.
    let progress: TaskProgressReport | undefined;
    // Renew well inside the lease; a refused renewal means another agent owns the task now.
    const renew = setInterval(
      () => {
        const body = { agentId: this.agentId, ...(progress ? { progress } : {}) };
        void this.call(AGENT_ROUTES.renew(task.id), body).catch((err: Error) => {
          if (err instanceof ApiError && err.status === 409) {
            this.log(`${label}: lease lost, stopping it`);
            abort.abort();
          }
        });
      },
      Math.max(200, Math.floor(this.leaseMs / 3)),
    );
    try {
      if (!runner) throw new TaskFailure(`this agent has no runner for task kind ${task.kind}`);
      const result = await runner.run(task, {
        gpu: this.o.gpu,
        node: this.o.node,
        signal: abort.signal,
        log: (l) => this.log(l),
        progress: (p) => void (progress = p),
      });
      clearInterval(renew);
      if (abort.signal.aborted) return;
      const done = await this.call(
        AGENT_ROUTES.complete(task.id),
        { agentId: this.agentId, result, lease: true },
        completeReply,
      ).catch((err: Error) => {
        if (err instanceof ApiError && err.status === 409) this.log(`${label}: ${err.message}`);
        else throw err;
      });
      this.log(`done ${label}`);
      return done?.data?.lease;
    } catch (err) {
      clearInterval(renew);
      if (abort.signal.aborted) return;
      const tail = err instanceof TaskFailure ? err.tail : [];
      // Only a runner knows when its failure is the job's (its output cannot be written): a
      // command's own EACCES is the command's, and must fail its attempts like any error.
      const blame = err instanceof TaskFailure ? err.blame : 'agent';
      this.log(`failed ${label}: ${(err as Error).message}`);
      await this.call(AGENT_ROUTES.fail(task.id), {
        agentId: this.agentId,
        error: (err as Error).message,
        tail,
        blame,
      }).catch((e: Error) => this.log(`could not report the failure: ${e.message}`));
      return undefined;
    }
  }
}
