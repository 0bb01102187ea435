/**
 * One real coordinator (durable SQLite, WAL) in a process of its own, so that its CPU time and
 * memory can be read apart from the simulated agents'. The scale bench forks this file with the
 * state directory and the history size in the environment, then drives it over IPC (ipc.ts).
 * Jobs are written straight into the store as running, with no Slurm allocation behind them:
 * the reconcile loop is paused (its one pass at start-up finds no Slurm and no job).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/service.js';
import type { NewTask } from '../../coordinator/store/types.js';
import { insertNoopJob } from '../scheduling.js';
import { writeHistory } from './history.js';
import {
  epochMs,
  type ScaleReplyMessage,
  type ScaleRequestMessage,
  type ScaleRequests,
} from './ipc.js';

type Handlers = {
  [K in keyof ScaleRequests]: (
    args: ScaleRequests[K]['args'],
  ) => ScaleRequests[K]['reply'] | Promise<ScaleRequests[K]['reply']>;
};

const noop = (seq: number): NewTask => ({
  stage: 'render',
  seq,
  kind: 'noop',
  payload: {},
  frames: [],
});

/** A CPU profile of this process between two requests (CT_SCALE_PROFILE in the bench). */
const profiler = {
  session: undefined as Session | undefined,
  async start(): Promise<null> {
    this.session = new Session();
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.start');
    return null;
  },
  async stop(file: string): Promise<null> {
    const s = this.session;
    if (!s) return null;
    const { profile } = await s.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    s.disconnect();
    this.session = undefined;
    return null;
  },
};

function handlers(rc: RunningCoordinator, stateDir: string): Handlers {
  const c = rc.coordinator;
  const holders = new Map<string, { agentId: string; taskId: number; renew: NodeJS.Timeout }>();
  const nextSeq = new Map<string, number>();
  return {
    history: () => ({ jobs: 0, seconds: 0 }),
    job: async () => {
      const job = insertNoopJob(rc, stateDir, 1);
      const holder = c.register(job.id, { node: 'holder', gpu: '0', slurmJobId: 0 });
      if ('exit' in holder) throw new Error(holder.exit);
      const held = await c.lease(holder.id, 0);
      if (!('task' in held)) throw new Error('the holder got no task');
      const renew = setInterval(() => c.renew(holder.id, held.task.id), 2_000);
      holders.set(job.id, { agentId: holder.id, taskId: held.task.id, renew });
      nextSeq.set(job.id, 1);
      return job;
    },
    addTasks: ({ jobId, count }) => {
      const from = nextSeq.get(jobId) ?? 1;
      nextSeq.set(jobId, from + count);
      const at = epochMs();
      c.store.transaction(() =>
        c.store.tasks.insert(
          jobId,
          Array.from({ length: count }, (_, i) => noop(from + i)),
        ),
      );
      // The stage's open count was taken before these tasks existed.
      c.stages.reset();
      c.waiters.offer(jobId, count);
      return { at };
    },
    waiting: ({ jobId }) => c.waiters.waiting(jobId),
    done: ({ jobId }) => c.store.tasks.progress(jobId, 'render').tasks.done,
    finish: async ({ jobId }) => {
      const h = holders.get(jobId);
      if (!h) throw new Error(`no holder for ${jobId}`);
      clearInterval(h.renew);
      holders.delete(jobId);
      await c.complete(h.agentId, h.taskId, {});
      return c.requireJob(jobId).state;
    },
    profile: ({ file }) => (file ? profiler.stop(file) : profiler.start()),
    stats: () => {
      const cpu = process.cpuUsage();
      return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssBytes: process.memoryUsage.rss(),
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
      };
    },
  };
}

async function main(): Promise<void> {
  const stateDir = process.env.CT_SCALE_STATE_DIR;
  if (!stateDir || !process.send) throw new Error('started by the scale bench only');
  const historyTasks = Number(process.env.CT_SCALE_HISTORY ?? 0);
  const t0 = performance.now();
  const history = historyTasks
    ? writeHistory(path.join(stateDir, 'coordinator.db'), path.join(stateDir, 'jobs'), historyTasks)
    : { jobs: 0 };
  const historySeconds = (performance.now() - t0) / 1000;
  const rc = await startCoordinator({
    stateDir,
    host: '127.0.0.1',
    port: 0,
    synchronous: 'NORMAL',
    reconcileMs: 3_600_000,
    autoscaleMs: 3_600_000,
    log: () => undefined,
  });
  const h = handlers(rc, stateDir);
  h.history = () => ({ jobs: history.jobs, seconds: historySeconds });
  process.on('message', (m: ScaleRequestMessage) => {
    const send = (r: ScaleReplyMessage) => process.send?.(r);
    const fn = h[m.name] as (a: unknown) => unknown;
    Promise.resolve()
      .then(() => fn(m.args))
      .then(
        (value) => send({ id: m.id, ok: true, value }),
        (err: Error) => send({ id: m.id, ok: false, error: err.message }),
      );
  });
  process.on('disconnect', () => {
    void rc.close().finally(() => process.exit(0));
  });
  process.send({ ready: { url: rc.url, token: rc.token } });
}

main().catch((err: Error) => {
  process.stderr.write(`scale coordinator: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
