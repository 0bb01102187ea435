import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { JobDetail } from '../src/api/types.js';
import { startCoordinator, type RunningCoordinator } from '../src/coordinator/service.js';
import { nowMs, type SwarmInit, type SwarmMessage } from './agent-swarm.js';
import { apiOf } from './api.js';
import { addNoopTasks, holdTask, insertNoopJob, type BenchPort } from './coordinator-port.js';
import { BenchError } from './errors.js';
import { percentile } from './report.js';

/** How the scheduling-overhead bench runs. */
export interface SchedulingOptions {
  /** Where the coordinators keep their state (one subdirectory per run). */
  workDir: string;
  /** slurm.conf of the bench cluster (only the coordinator's start-up reconcile pass uses it). */
  slurmConf?: string;
  partition?: string;
  /** No-op tasks in the throughput job; default 5,000. */
  tasks?: number;
  /** Agents draining it; default 16. */
  agents?: number;
  /** Lease-latency samples; default 50. */
  samples?: number;
  /** SQLite durability settings to run, in order; default NORMAL (the default) then FULL. */
  synchronous?: readonly ('NORMAL' | 'FULL')[];
  log?: (line: string) => void;
}

/** What one durability setting measured. */
export interface SchedulingRun {
  synchronous: 'NORMAL' | 'FULL';
  tasks: number;
  agents: number;
  /** From the agents' first lease request to the last completion reply. */
  seconds: number;
  tasksPerSecond: number;
  /** HTTP requests the agents made (lease + complete). */
  requests: number;
  /** Idle agent's lease → reply carrying a newly added task, in ms, one per sample. */
  latencyMs: number[];
}

export interface SchedulingResult {
  runs: SchedulingRun[];
  /** How the job got by without a Slurm allocation, for the report. */
  note: string;
}

export const SCHEDULING_NOTE =
  'the jobs are written straight into the store as running; the coordinator runs with its ' +
  'reconcile loop paused (reconcileMs = 1 h; its one pass at start-up ran before any job ' +
  'existed), so no Slurm allocation is submitted; the agents are HTTP clients in a worker ' +
  'thread of the bench process (register, long-poll lease, complete; keep-alive on loopback)';

/** A worker thread of agents; resolves `ready` once all registered. */
function startSwarm(init: SwarmInit) {
  const worker = new Worker(new URL('./agent-swarm.js', import.meta.url), {
    workerData: { swarm: init },
  });
  const listeners = new Set<(m: SwarmMessage) => void>();
  let failure: Error | undefined;
  const done = new Promise<Extract<SwarmMessage, { type: 'done' }>>((resolve, reject) => {
    worker.on('message', (m: SwarmMessage) => {
      if (m.type === 'done') resolve(m);
      else if (m.type === 'error') reject((failure = new Error(`bench agents: ${m.message}`)));
      for (const l of listeners) l(m);
    });
    worker.on('error', (err: Error) => reject((failure = err)));
    worker.on('exit', (code) => reject(new Error(`bench agents exited early (code ${code})`)));
  });
  done.catch(() => undefined);
  const next = (type: SwarmMessage['type'], timeoutMs: number): Promise<SwarmMessage> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const timer = setTimeout(() => {
        listeners.delete(on);
        reject(new Error(`bench agents: no ${type} message within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (m: SwarmMessage) => {
        if (m.type === 'error') {
          clearTimeout(timer);
          listeners.delete(on);
          reject(new Error(`bench agents: ${m.message}`));
        } else if (m.type === type) {
          clearTimeout(timer);
          listeners.delete(on);
          resolve(m);
        }
      };
      listeners.add(on);
    });
  const ready = next('ready', 30_000);
  return {
    ready,
    next,
    done,
    go: () => worker.postMessage({ type: 'go' }),
    stop: () => worker.terminate(),
  };
}

async function until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new BenchError('scheduling overhead', `timed out: ${what}`);
    await sleep(1);
  }
}

/** Throughput: `tasks` no-op tasks drained by `agents` agents, first lease to last completion. */
async function measureThroughput(
  rc: RunningCoordinator,
  stateDir: string,
  tasks: number,
  agents: number,
) {
  const job = insertNoopJob(rc.coordinator, stateDir, tasks);
  const swarm = startSwarm({
    url: rc.url,
    token: job.agentToken,
    jobId: job.id,
    agents,
    waitMs: 1_000,
    reportLeases: false,
  });
  try {
    await swarm.ready;
    swarm.go();
    const done = await swarm.done;
    const d = await apiOf(rc)<JobDetail>('GET', `/api/jobs/${job.id}`);
    const stored = d.stages.find((st) => st.name === 'render')?.progress.done;
    if (done.completed !== tasks || stored !== tasks || d.state !== 'succeeded') {
      throw new BenchError(
        'scheduling overhead',
        `expected ${tasks} tasks done once each and the job succeeded; agents completed ` +
          `${done.completed}, the store has ${stored} done, the job is ${d.state}`,
      );
    }
    const seconds = (done.lastCompletedAt - done.startedAt) / 1000;
    return { seconds, tasksPerSecond: tasks / seconds, requests: done.requests };
  } finally {
    await swarm.stop();
  }
}

/**
 * Latency: `agents` idle agents long-poll an empty ready stage; one task is added (store insert +
 * wake-up) and the time until the first lease reply carrying it reaches an agent is taken, `samples`
 * times. A task held by an extra in-process agent keeps the stage open between samples.
 */
async function measureLatency(
  rc: RunningCoordinator,
  stateDir: string,
  agents: number,
  samples: number,
): Promise<number[]> {
  const c: BenchPort = rc.coordinator;
  const job = insertNoopJob(c, stateDir, 1);
  const holder = await holdTask(c, job.id);
  const swarm = startSwarm({
    url: rc.url,
    token: job.agentToken,
    jobId: job.id,
    agents,
    waitMs: 10_000,
    reportLeases: true,
  });
  const latencies: number[] = [];
  try {
    await swarm.ready;
    swarm.go();
    for (let i = 0; i < samples; i++) {
      await until(`${agents} agents waiting`, () => c.waiters.waiting(job.id) >= agents);
      // Let the previous sample's replies and requests settle on both sides.
      await sleep(5);
      const leased = swarm.next('lease', 30_000);
      const completed = swarm.next('completed', 30_000);
      const t0 = nowMs();
      addNoopTasks(c, job.id, i + 1, 1);
      const m = await leased;
      if (m.type === 'lease') latencies.push(m.at - t0);
      await completed;
    }
    await holder.release();
    const done = await swarm.done;
    if (done.completed !== samples) {
      throw new BenchError(
        'scheduling overhead',
        `latency: ${done.completed} of ${samples} tasks came back`,
      );
    }
    return latencies;
  } finally {
    holder.stop();
    await swarm.stop();
  }
}

/** The scheduling-overhead bench: throughput and lease latency per SQLite durability setting. */
export async function benchSchedulingOverhead(opts: SchedulingOptions): Promise<SchedulingResult> {
  const log = opts.log ?? (() => undefined);
  const tasks = opts.tasks ?? 5_000;
  const agents = opts.agents ?? 16;
  const samples = opts.samples ?? 50;
  const runs: SchedulingRun[] = [];
  for (const synchronous of opts.synchronous ?? (['NORMAL', 'FULL'] as const)) {
    const stateDir = path.join(opts.workDir, `coordinator-sched-${synchronous.toLowerCase()}`);
    const rc = await startCoordinator({
      stateDir,
      host: '127.0.0.1',
      port: 0,
      slurmConf: opts.slurmConf,
      partition: opts.partition,
      synchronous,
      reconcileMs: 3_600_000,
      log: (l) => log(`coordinator: ${l}`),
    });
    try {
      log(`scheduling (synchronous=${synchronous}): ${tasks} no-op tasks, ${agents} agents`);
      const t = await measureThroughput(rc, stateDir, tasks, agents);
      log(`  ${Math.round(t.tasksPerSecond)} tasks/s (${t.seconds.toFixed(2)} s)`);
      const latencyMs = await measureLatency(rc, stateDir, agents, samples);
      log(`  lease latency p50 ${percentile(latencyMs, 50).toFixed(2)} ms`);
      runs.push({ synchronous, tasks, agents, ...t, latencyMs });
    } finally {
      await rc.close();
    }
  }
  return { runs, note: SCHEDULING_NOTE };
}
