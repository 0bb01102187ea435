/**
 * One real coordinator (durable SQLite, WAL) in a process of its own, so that its CPU time and
 * memory can be read apart from the simulated agents'. The scale bench forks this file with the
 * state directory and the history size in the environment, then drives it over IPC (ipc.ts).
 * Jobs are written straight into the store as running, with no Slurm allocation behind them
 * (through the bench's port, coordinator-port.ts): the reconcile loop is paused (its one pass at
 * start-up finds no Slurm and no job).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { startCoordinator } from '../../src/coordinator/service.js';
import {
  addNoopTasks,
  holdTask,
  insertNoopJob,
  type BenchPort,
  type Holder,
} from '../coordinator-port.js';
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

function handlers(c: BenchPort, stateDir: string): Handlers {
  const holders = new Map<string, Holder>();
  const nextSeq = new Map<string, number>();
  return {
    history: () => ({ jobs: 0, seconds: 0 }),
    job: async () => {
      const job = insertNoopJob(c, stateDir, 1);
      holders.set(job.id, await holdTask(c, job.id));
      nextSeq.set(job.id, 1);
      return job;
    },
    addTasks: ({ jobId, count }) => {
      const from = nextSeq.get(jobId) ?? 1;
      nextSeq.set(jobId, from + count);
      const at = epochMs();
      addNoopTasks(c, jobId, from, count);
      return { at };
    },
    waiting: ({ jobId }) => c.waiters.waiting(jobId),
    finish: async ({ jobId }) => {
      const h = holders.get(jobId);
      if (!h) throw new Error(`no holder for ${jobId}`);
      holders.delete(jobId);
      await h.release();
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
  const h = handlers(rc.coordinator, stateDir);
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
