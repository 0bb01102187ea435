import { fork, type ChildProcess } from 'node:child_process';
import { BenchError } from '../errors.js';
import type {
  ScaleReadyMessage,
  ScaleReplyMessage,
  ScaleRequestMessage,
  ScaleRequests,
} from './ipc.js';

/** The coordinator process, as the bench drives it. */
export interface CoordinatorHandle {
  url: string;
  token: string;
  pid: number;
  request<K extends keyof ScaleRequests>(
    name: K,
    args: ScaleRequests[K]['args'],
  ): Promise<ScaleRequests[K]['reply']>;
  /** Closes the coordinator and waits for its process to exit. */
  stop(): Promise<void>;
}

/** Forks the coordinator process on `stateDir` (after it writes `historyTasks` of history). */
export async function startCoordinatorProcess(
  stateDir: string,
  historyTasks: number,
): Promise<CoordinatorHandle> {
  const child: ChildProcess = fork(new URL('./coordinator-process.js', import.meta.url), [], {
    env: {
      ...process.env,
      CT_SCALE_STATE_DIR: stateDir,
      CT_SCALE_HISTORY: String(historyTasks),
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<ScaleReadyMessage['ready']>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new BenchError('scale', `the coordinator process exited (code ${code})`)),
    );
    child.on('message', (m: ScaleReadyMessage | ScaleReplyMessage) => {
      if ('ready' in m) return resolve(m.ready);
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new BenchError('scale', `coordinator process: ${m.error}`));
    });
  });
  child.once('exit', (code) => {
    for (const p of pending.values())
      p.reject(new BenchError('scale', `the coordinator process exited (code ${code})`));
    pending.clear();
  });
  return {
    ...ready,
    pid: child.pid ?? 0,
    request: (name, args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, name, args } satisfies ScaleRequestMessage);
      }),
    async stop() {
      if (child.exitCode !== null) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
