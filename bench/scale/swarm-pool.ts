import { Worker } from 'node:worker_threads';
import { BenchError } from '../errors.js';
import type { SwarmCommand, SwarmCounts, SwarmEvent, SwarmInit } from './swarm-protocol.js';

/** The simulated agents, spread over worker threads of the bench process. */
export interface SwarmPool {
  /** Sends a command to every worker; resolves with each worker's reply. */
  all<T>(command: SwarmCommand): Promise<T[]>;
  /** Totals of every worker's counters. */
  counts(): Promise<SwarmCounts>;
  /** Called with the arrival time of each lease reply while `reportLeases` is on. */
  onLease(listener: ((taskId: number, at: number) => void) | undefined): void;
  stop(): Promise<void>;
}

/** Starts `threads` workers sharing `agents` agents of one job. */
export function startSwarm(
  init: Omit<SwarmInit, 'first' | 'count'>,
  agents: number,
  threads: number,
): SwarmPool {
  const n = Math.max(1, Math.min(threads, agents));
  let onLease: ((taskId: number, at: number) => void) | undefined;
  let failure: Error | undefined;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const workers = Array.from({ length: n }, (_, i) => {
    const first = Math.floor((agents * i) / n);
    const count = Math.floor((agents * (i + 1)) / n) - first;
    const w = new Worker(new URL('./swarm-worker.js', import.meta.url), {
      workerData: { scaleSwarm: { ...init, first, count } satisfies SwarmInit },
    });
    w.on('message', (m: SwarmEvent) => {
      if (m.type === 'lease') return onLease?.(m.taskId, m.at);
      if (m.type === 'error') {
        failure ??= new BenchError('scale', `simulated agents: ${m.message}`);
        return;
      }
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new BenchError('scale', `simulated agents: ${m.error}`));
      else p?.resolve(m.value);
    });
    w.on('error', (err: Error) => {
      failure ??= err;
    });
    return w;
  });
  const ask = (w: Worker, command: SwarmCommand) =>
    new Promise<unknown>((resolve, reject) => {
      if (failure) return reject(failure);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.postMessage({ ...command, id });
    });
  const all = async <T>(command: SwarmCommand) =>
    (await Promise.all(workers.map((w) => ask(w, command)))) as T[];
  return {
    all,
    async counts() {
      if (failure) throw failure;
      const each = await all<SwarmCounts>({ cmd: 'counts' });
      const sum = (k: 'completed' | 'requests' | 'exited') => each.reduce((s, c) => s + c[k], 0);
      const failed = each.find((c) => c.failure !== undefined)?.failure;
      if (failed) throw new BenchError('scale', `simulated agents: ${failed}`);
      return {
        completed: sum('completed'),
        requests: sum('requests'),
        exited: sum('exited'),
        lastCompletedAt: Math.max(...each.map((c) => c.lastCompletedAt)),
        failure: undefined,
      };
    },
    onLease(listener) {
      onLease = listener;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
