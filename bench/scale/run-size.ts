import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { callApi } from '../../src/api/http-client.js';
import { BenchError } from '../errors.js';
import { startCoordinatorProcess, type CoordinatorHandle } from './coordinator-handle.js';
import { epochMs, type ProcessStats } from './ipc.js';
import { startSwarm, type SwarmPool } from './swarm-pool.js';
import { attachViewers, type ViewerTally } from './viewers.js';

/** One size: agents long-polling one job, with history in the database. */
export interface ScaleSize {
  agents: number;
  history: number;
}

/** How a size is run. */
export interface ScaleRunOptions {
  workDir: string;
  /** Idle-agent lease samples, after one not counted (default 500: a p99 from the fifth slowest). */
  samples?: number;
  /** Tasks drained (default max(10,000, 4 per agent)). */
  tasks?: number;
  viewers?: number;
  /** Worker threads for the agents (default 2). */
  threads?: number;
  /** Long-poll length the agents ask for (default 5 s, the real agent's). */
  waitMs?: number;
  log?: (line: string) => void;
}

/** What one size measured. */
export interface ScaleRun extends ScaleSize {
  historyWriteSeconds: number;
  registerSeconds: number;
  /** Coordinator CPU while every agent long-polls and nothing happens, % of one core. */
  idleCpuPercent: number;
  /** A new task → the idle agent's reply carrying it, ms, one per sample. */
  leaseMs: number[];
  /** Every held lease renewed at once, 3 rounds: latency of each call, and CPU per call (µs). */
  renewMs: number[];
  renewCpuUs: number;
  tasks: number;
  drainSeconds: number;
  tasksPerSecond: number;
  /** Coordinator CPU during the drain, % of one core; the bench process's (agents, viewers) too. */
  drainCpuPercent: number;
  swarmCpuPercent: number;
  /** `GET /api/jobs` (every job's summary, as the viewer's list loads), ms, median of 5. */
  jobsListMs: number;
  viewers: ViewerTally & { seconds: number };
  rssBytes: number;
  peakRssBytes: number;
}

async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new BenchError('scale', `timed out: ${what}`);
    await sleep(5);
  }
}

const cpuOfSelf = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs one size on a fresh coordinator process and returns what it measured. */
export async function runScaleSize(size: ScaleSize, o: ScaleRunOptions): Promise<ScaleRun> {
  const log = o.log ?? (() => undefined);
  const stateDir = path.join(o.workDir, `scale-${size.agents}-${size.history}`);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const c = await startCoordinatorProcess(stateDir, size.history);
  let swarm: SwarmPool | undefined;
  const viewers = await attachViewers(c.url, c.token, o.viewers ?? 10);
  try {
    const hist = await c.request('history', {});
    const job = await c.request('job', {});
    swarm = startSwarm({ url: c.url, token: job.agentToken }, size.agents, o.threads ?? 2);
    const regMs = Math.max(...(await swarm.all<number>({ cmd: 'register', jobId: job.id })));
    log(`  ${size.agents} agents registered in ${(regMs / 1000).toFixed(1)} s`);
    await swarm.all({ cmd: 'start', waitMs: o.waitMs ?? 5_000 });
    // Long-polls end every waitMs and are sent again, so a few agents are always between two.
    const settled = Math.ceil(size.agents * 0.98);
    const allWaiting = () =>
      until(
        `${settled} of ${size.agents} agents waiting`,
        async () => (await c.request('waiting', { jobId: job.id })) >= settled,
      );
    await allWaiting();

    const idleCpuPercent = await idleCpu(c);
    const leaseMs = await sampleLeases(c, swarm, job.id, o.samples ?? 500, allWaiting);
    log(`  idle lease: ${leaseMs.length} samples`);
    const renew = await renewBurst(c, swarm, job.id, size.agents);
    await allWaiting();

    const tasks = o.tasks ?? Math.max(10_000, size.agents * 4);
    viewers.reset();
    const before = await c.request('stats', {});
    const selfBefore = cpuOfSelf();
    const done0 = (await swarm.counts()).completed;
    const profile = process.env.CT_SCALE_PROFILE;
    if (profile) await c.request('profile', {});
    const { at } = await c.request('addTasks', { jobId: job.id, count: tasks });
    await until(
      `${tasks} tasks drained`,
      async () => (await swarm!.counts()).completed - done0 >= tasks,
      600_000,
    );
    const counts = await swarm.counts();
    const after = await c.request('stats', {});
    if (profile)
      await c.request('profile', {
        file: path.join(profile, `drain-${size.agents}-${size.history}.cpuprofile`),
      });
    const wallMs = epochMs() - at;
    const drainSeconds = (counts.lastCompletedAt - at) / 1000;
    const seen = viewers.tally();
    log(`  drain: ${Math.round(tasks / drainSeconds)} tasks/s`);

    const jobsListMs = await timeJobsList(c);
    const state = await c.request('finish', { jobId: job.id });
    if (state !== 'succeeded') throw new BenchError('scale', `the job ended ${state}`);
    await until(
      'every agent told to exit',
      async () => (await swarm!.counts()).exited >= size.agents,
    );
    const end: ProcessStats = await c.request('stats', {});
    return {
      ...size,
      historyWriteSeconds: hist.seconds,
      registerSeconds: regMs / 1000,
      idleCpuPercent,
      leaseMs,
      renewMs: renew.ms,
      renewCpuUs: renew.cpuUs,
      tasks,
      drainSeconds,
      tasksPerSecond: tasks / drainSeconds,
      drainCpuPercent: ((after.cpuMs - before.cpuMs) / wallMs) * 100,
      swarmCpuPercent: ((cpuOfSelf() - selfBefore) / wallMs) * 100,
      jobsListMs,
      viewers: { ...seen, seconds: wallMs / 1000 },
      rssBytes: end.rssBytes,
      peakRssBytes: end.peakRssBytes,
    };
  } finally {
    viewers.close();
    await swarm?.stop();
    await c.stop();
  }
}

/** Coordinator CPU over 3 s of every agent long-polling with nothing to do. */
async function idleCpu(c: CoordinatorHandle): Promise<number> {
  const a = await c.request('stats', {});
  const t0 = epochMs();
  await sleep(3_000);
  const b = await c.request('stats', {});
  return ((b.cpuMs - a.cpuMs) / (epochMs() - t0)) * 100;
}

async function sampleLeases(
  c: CoordinatorHandle,
  swarm: SwarmPool,
  jobId: string,
  samples: number,
  allWaiting: () => Promise<void>,
): Promise<number[]> {
  const out: number[] = [];
  await swarm.all({ cmd: 'reportLeases', on: true });
  try {
    // The first lease runs code the coordinator has not run yet at this size: not counted.
    for (let i = -1; i < samples; i++) {
      await allWaiting();
      await sleep(5);
      const leased = new Promise<number>((resolve) => swarm.onLease((_, at) => resolve(at)));
      const { at } = await c.request('addTasks', { jobId, count: 1 });
      const ms = (await leased) - at;
      if (i >= 0) out.push(ms);
      swarm.onLease(undefined);
    }
  } finally {
    await swarm.all({ cmd: 'reportLeases', on: false });
  }
  return out;
}

/** Every agent leases one task and holds it; then every agent renews at once, 3 rounds. */
async function renewBurst(c: CoordinatorHandle, swarm: SwarmPool, jobId: string, agents: number) {
  await swarm.all({ cmd: 'mode', mode: 'hold' });
  await c.request('addTasks', { jobId, count: agents });
  await until(
    `${agents} tasks held`,
    async () => sum(await swarm.all<number>({ cmd: 'held' })) >= agents,
  );
  const a = await c.request('stats', {});
  const ms = (await swarm.all<number[]>({ cmd: 'burst', rounds: 3 })).flat();
  const b = await c.request('stats', {});
  await swarm.all({ cmd: 'mode', mode: 'complete' });
  return { ms, cpuUs: ((b.cpuMs - a.cpuMs) * 1000) / ms.length };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function timeJobsList(c: CoordinatorHandle): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = epochMs();
    await callApi(c.url, c.token, 'GET', '/api/jobs');
    ms.push(epochMs() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[2] ?? 0;
}
