import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, callApi, UnreachableError } from '../coordinator/http-client.js';
import { TaskFailure, type LeasedTask, type TaskRunner } from './runner.js';

/** A lease reply: a task to run, or why to stop. */
interface LeaseBody {
  task?: LeasedTask;
  exit?: string;
}

export interface AgentOptions {
  coordinatorUrl: string;
  token: string;
  jobId: string;
  node: string;
  gpu: string;
  slurmJobId: number;
  runners: TaskRunner[];
  /** How long to keep trying while the coordinator is unreachable (ms, default 5 min). */
  patienceMs?: number;
  /** Long-poll length (ms, default 5 s). */
  pollMs?: number;
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
    this.log = o.log ?? ((line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
  }

  private async call<T>(
    route: string,
    body: unknown,
    signal?: AbortSignal,
  ): Promise<{ status: number; data: T | undefined }> {
    const deadline = Date.now() + (this.o.patienceMs ?? 300_000);
    let delay = 200;
    for (;;) {
      try {
        return await callApi<T>(this.o.coordinatorUrl, this.o.token, 'POST', route, body, signal);
      } catch (err) {
        const retry =
          err instanceof UnreachableError ||
          (err instanceof ApiError && err.status >= 500 && err.status !== 502);
        if (!retry || Date.now() > deadline || signal?.aborted) throw err;
        this.log(`${err.message}; retrying`);
        await sleep(delay);
        delay = Math.min(delay * 2, 3_000);
      }
    }
  }

  /** Runs until told to exit; resolves with the reason. */
  async run(): Promise<string> {
    const reg = await this.call<{ agentId?: string; leaseMs?: number; exit?: string }>(
      '/api/agent/register',
      {
        jobId: this.o.jobId,
        node: this.o.node,
        gpu: this.o.gpu,
        slurmJobId: this.o.slurmJobId,
        pid: process.pid,
      },
    );
    if (!reg.data?.agentId) return reg.data?.exit ?? 'registration refused';
    this.agentId = reg.data.agentId;
    this.leaseMs = reg.data.leaseMs ?? this.leaseMs;
    this.log(`registered as ${this.agentId}`);
    try {
      // The completion of a task brings the next one along when there is one (see runTask).
      let next: LeaseBody | undefined;
      for (;;) {
        let lease = next;
        next = undefined;
        if (!lease) {
          const r = await this.call<LeaseBody>('/api/agent/lease', {
            agentId: this.agentId,
            waitMs: this.o.pollMs ?? 5_000,
          });
          if (r.status === 204 || !r.data) continue;
          lease = r.data;
        }
        if (lease.exit) {
          this.log(`exiting: ${lease.exit}`);
          return lease.exit;
        }
        if (lease.task) next = await this.runTask(lease.task);
      }
    } finally {
      await Promise.all(this.o.runners.map((x) => x.close().catch(() => {})));
    }
  }

  /** Runs a task and reports it; returns the next lease when the completion brought one. */
  private async runTask(task: LeasedTask): Promise<LeaseBody | undefined> {
    const runner = this.o.runners.find((r) => r.kinds.includes(task.kind));
    const abort = new AbortController();
    const label = `task ${task.id} (${task.kind}${task.frames.length ? ` frames ${task.frames.join(',')}` : ''})`;
    this.log(`leased ${label}`);
    // Renew well inside the lease; a refused renewal means another agent owns the task now.
    const renew = setInterval(
      () => {
        void this.call(`/api/agent/tasks/${task.id}/renew`, { agentId: this.agentId }).catch(
          (err: Error) => {
            if (err instanceof ApiError && err.status === 409) {
              this.log(`${label}: lease lost, stopping it`);
              abort.abort();
            }
          },
        );
      },
      Math.max(200, Math.floor(this.leaseMs / 3)),
    );
    try {
      if (!runner) throw new TaskFailure(`this agent has no runner for task kind ${task.kind}`);
      const result = await runner.run(task, {
        gpu: this.o.gpu,
        signal: abort.signal,
        log: (l) => this.log(l),
      });
      clearInterval(renew);
      if (abort.signal.aborted) return;
      const done = await this.call<{ lease?: LeaseBody }>(`/api/agent/tasks/${task.id}/complete`, {
        agentId: this.agentId,
        result,
        lease: true,
      }).catch((err: Error) => {
        if (err instanceof ApiError && err.status === 409) this.log(`${label}: ${err.message}`);
        else throw err;
      });
      this.log(`done ${label}`);
      return done?.data?.lease;
    } catch (err) {
      clearInterval(renew);
      if (abort.signal.aborted) return;
      const tail = err instanceof TaskFailure ? err.tail : [];
      this.log(`failed ${label}: ${(err as Error).message}`);
      await this.call(`/api/agent/tasks/${task.id}/fail`, {
        agentId: this.agentId,
        error: (err as Error).message,
        tail,
      }).catch((e: Error) => this.log(`could not report the failure: ${e.message}`));
      return undefined;
    }
  }
}
