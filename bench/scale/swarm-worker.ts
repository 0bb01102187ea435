/**
 * A share of the scale bench's simulated agents, in one worker thread. Each agent speaks the real
 * agent protocol over HTTP (keep-alive, one socket per request in flight): register, then lease
 * (long-poll) and complete, asking for the next task with each completion as the real agent
 * does. The tasks are no-ops. In `hold` mode an agent keeps the task it leased (renewing on
 * command) until `release`. The bench thread sends commands (swarm-protocol.ts) and this thread
 * answers each; with `reportLeases` it also posts when each lease reply arrived.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { epochMs } from './ipc.js';
import { makePost, type Post } from './http-post.js';
import type { SwarmCommand, SwarmInit, SwarmEvent } from './swarm-protocol.js';

interface Held {
  agentId: string;
  taskId: number;
}

class Share {
  private readonly post: Post;
  private ids: string[] = [];
  private mode: 'complete' | 'hold' = 'complete';
  reportLeases = false;
  private readonly held: Held[] = [];
  private release: (() => void) | undefined;
  private released = Promise.resolve();
  completed = 0;
  lastCompletedAt = 0;
  requests = 0;
  exited = 0;
  private failure: string | undefined;

  constructor(
    private readonly init: SwarmInit,
    private readonly send: (e: SwarmEvent) => void,
  ) {
    this.post = makePost(init.url, init.token);
  }

  async register(jobId: string): Promise<number> {
    const t0 = epochMs();
    const ids: string[] = new Array<string>(this.init.count);
    let next = 0;
    // A few registrations in flight at once, as agents starting across a cluster would send.
    const lane = async () => {
      for (let i = next++; i < this.init.count; i = next++) {
        const n = this.init.first + i;
        const r = await this.post('/api/agent/register', {
          jobId,
          node: `sim${Math.floor(n / 4) + 1}`,
          gpu: String(n % 4),
          slurmJobId: 0,
        });
        const id = r.data?.agentId;
        if (typeof id !== 'string')
          throw new Error(`registration refused: ${JSON.stringify(r.data)}`);
        ids[i] = id;
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, this.init.count) }, lane));
    this.ids = ids;
    return epochMs() - t0;
  }

  start(waitMs: number): void {
    for (const agentId of this.ids)
      this.loop(agentId, waitMs).catch((err: Error) => {
        this.failure ??= err.message;
        this.send({ type: 'error', message: err.message });
      });
  }

  setMode(mode: 'complete' | 'hold'): void {
    this.mode = mode;
    if (mode === 'hold') this.released = new Promise((r) => (this.release = r));
    else this.release?.();
  }

  heldCount(): number {
    return this.held.length;
  }

  /** Each held agent renews its lease `rounds` times in a row, all at once. Latencies in ms. */
  async burst(rounds: number): Promise<number[]> {
    const out: number[] = [];
    await Promise.all(
      this.held.map(async (h) => {
        for (let i = 0; i < rounds; i++) {
          const t0 = epochMs();
          await this.post(`/api/agent/tasks/${h.taskId}/renew`, { agentId: h.agentId });
          out.push(epochMs() - t0);
        }
      }),
    );
    return out;
  }

  private async loop(agentId: string, waitMs: number): Promise<void> {
    let next: Record<string, unknown> | undefined;
    for (;;) {
      if (!next) {
        this.requests++;
        const r = await this.post('/api/agent/lease', { agentId, waitMs });
        if (r.status === 204 || !r.data) continue;
        next = r.data;
      }
      const reply = next;
      if (typeof reply.exit === 'string') {
        this.exited++;
        return;
      }
      const task = reply.task as { id: number } | undefined;
      if (!task) throw new Error(`lease reply without a task: ${JSON.stringify(reply)}`);
      if (this.reportLeases) this.send({ type: 'lease', taskId: task.id, at: epochMs() });
      if (this.mode === 'hold') {
        this.held.push({ agentId, taskId: task.id });
        await this.released;
        this.held.splice(
          this.held.findIndex((h) => h.taskId === task.id),
          1,
        );
      }
      this.requests++;
      const done = await this.post(`/api/agent/tasks/${task.id}/complete`, {
        agentId,
        result: {},
        lease: true,
      });
      next = done.data?.lease as Record<string, unknown> | undefined;
      this.completed++;
      this.lastCompletedAt = epochMs();
    }
  }

  counts() {
    return {
      completed: this.completed,
      lastCompletedAt: this.lastCompletedAt,
      requests: this.requests,
      exited: this.exited,
      failure: this.failure,
    };
  }
}

async function handle(share: Share, m: SwarmCommand): Promise<unknown> {
  switch (m.cmd) {
    case 'register':
      return share.register(m.jobId);
    case 'start':
      return share.start(m.waitMs);
    case 'mode':
      return share.setMode(m.mode);
    case 'reportLeases':
      share.reportLeases = m.on;
      return undefined;
    case 'held':
      return share.heldCount();
    case 'burst':
      return share.burst(m.rounds);
    case 'counts':
      return share.counts();
  }
}

if (parentPort && (workerData as { scaleSwarm?: SwarmInit } | undefined)?.scaleSwarm) {
  const port = parentPort;
  const share = new Share((workerData as { scaleSwarm: SwarmInit }).scaleSwarm, (e) =>
    port.postMessage(e),
  );
  port.on('message', (m: SwarmCommand & { id: number }) => {
    handle(share, m).then(
      (value) => port.postMessage({ type: 'reply', id: m.id, value } satisfies SwarmEvent),
      (err: Error) =>
        port.postMessage({ type: 'reply', id: m.id, error: err.message } satisfies SwarmEvent),
    );
  });
}
