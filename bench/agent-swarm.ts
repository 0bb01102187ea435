/**
 * Lightweight agents for the scheduling-overhead bench, run in a worker thread of the bench
 * process so that the coordinator's event loop (the main thread) has a core of its own, as it
 * would on a head node whose agents run elsewhere. Each agent speaks the real agent protocol over
 * HTTP on loopback with keep-alive: register, then lease (long-poll) and complete, until the
 * coordinator says exit. Like the real agent, each completion asks for the next task in the same
 * request (`lease: true`) and long-polls only when that brought none. The tasks are no-ops: an agent completes a task as soon as it has it.
 *
 * Messages to the parent: `ready` once every agent registered; `lease` with the arrival time of
 * each lease reply that carried a task (when `reportLeases`); `done` with the totals.
 * Messages from the parent: `go` starts the agents.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { makePost } from './scale/http-post.js';

/** What the worker gets. */
export interface SwarmInit {
  url: string;
  /** The job's agent token, as real agents use. */
  token: string;
  jobId: string;
  agents: number;
  /** Long-poll length per lease request (ms). */
  waitMs: number;
  /** Post a `lease` message for every task received (latency runs). */
  reportLeases: boolean;
}

export type SwarmMessage =
  | { type: 'ready' }
  | { type: 'lease'; taskId: number; at: number }
  | { type: 'completed'; taskId: number; at: number }
  | {
      type: 'done';
      /** Epoch ms (sub-ms precision) when the agents were let go. */
      startedAt: number;
      /** Epoch ms of the last completion reply, 0 when none. */
      lastCompletedAt: number;
      completed: number;
      requests: number;
      exits: string[];
    }
  | { type: 'error'; message: string };

/** Epoch milliseconds with sub-millisecond precision, comparable across threads. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Registers `init.agents` agents, waits for `go`, drains the job, and reports. */
async function runSwarm(init: SwarmInit, port: NonNullable<typeof parentPort>): Promise<void> {
  const post = makePost(init.url, init.token);
  const ids: string[] = [];
  for (let i = 0; i < init.agents; i++) {
    const r = await post('/api/agent/register', {
      jobId: init.jobId,
      node: `bench${Math.floor(i / 4) + 1}`,
      gpu: String(i % 4),
      slurmJobId: 0,
    });
    const id = r.data?.agentId;
    if (typeof id !== 'string') throw new Error(`registration refused: ${JSON.stringify(r.data)}`);
    ids.push(id);
  }
  const go = new Promise<void>((resolve) =>
    port.on('message', (m: { type?: string }) => m.type === 'go' && resolve()),
  );
  port.postMessage({ type: 'ready' } satisfies SwarmMessage);
  await go;
  const startedAt = nowMs();
  let completed = 0;
  let requests = 0;
  let lastCompletedAt = 0;
  const exits: string[] = [];
  await Promise.all(
    ids.map(async (agentId) => {
      // A lease reply: {task} or {exit}; from the complete reply's `lease` when it carried one.
      let next: Record<string, unknown> | undefined;
      for (;;) {
        if (!next) {
          requests++;
          const r = await post('/api/agent/lease', { agentId, waitMs: init.waitMs });
          if (r.status === 204 || !r.data) continue;
          next = r.data;
        }
        const reply = next;
        if (typeof reply.exit === 'string') {
          exits.push(reply.exit);
          return;
        }
        const task = reply.task as { id: number } | undefined;
        if (!task) throw new Error(`lease reply without a task: ${JSON.stringify(reply)}`);
        if (init.reportLeases) {
          port.postMessage({ type: 'lease', taskId: task.id, at: nowMs() } satisfies SwarmMessage);
        }
        requests++;
        const done = await post(`/api/agent/tasks/${task.id}/complete`, {
          agentId,
          result: {},
          lease: true,
        });
        next = done.data?.lease as Record<string, unknown> | undefined;
        completed++;
        lastCompletedAt = nowMs();
        if (init.reportLeases) {
          port.postMessage({
            type: 'completed',
            taskId: task.id,
            at: lastCompletedAt,
          } satisfies SwarmMessage);
        }
      }
    }),
  );
  port.postMessage({
    type: 'done',
    startedAt,
    lastCompletedAt,
    completed,
    requests,
    exits,
  } satisfies SwarmMessage);
}

if (parentPort && (workerData as { swarm?: SwarmInit } | undefined)?.swarm) {
  const port = parentPort;
  runSwarm((workerData as { swarm: SwarmInit }).swarm, port).catch((err: Error) => {
    port.postMessage({ type: 'error', message: err.message } satisfies SwarmMessage);
  });
}
