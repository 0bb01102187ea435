import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobDetail, TaskView } from '../src/api/types.js';
import { startCoordinator } from '../src/coordinator/service.js';
import { ensureSampleScene } from '../src/renderers/blender/sample-scene.js';
import { apiOf } from './api.js';
import type { BenchContext } from './context.js';

/** Result of the scaling leg: seconds for each try, and their medians. */
export interface ScalingLatency {
  addToFirstLease: number[];
  removeToIdle: number[];
}

const TRIES = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/**
 * On the bench cluster (2 nodes): a long job of cheap frames runs on node 1; five times, grow by
 * one node and time until an agent on the new node has leased a task, then shrink by one with
 * `--now` and time until Slurm shows the node idle. The coordinator is driven through its API,
 * as `cluster-tool scale` drives it.
 */
export async function benchScalingLatency(ctx: BenchContext): Promise<ScalingLatency> {
  const scene = await ensureSampleScene(path.join(ctx.workDir, 'scaling.blend'), {
    frames: 2000,
    cheapSamples: 1,
    expensiveSamples: 1,
    width: 64,
    height: 36,
  });
  const running = await startCoordinator({
    stateDir: path.join(ctx.workDir, 'scaling-state'),
    port: 0,
    slurmConf: ctx.bench.cluster.layout.slurmConf,
    partition: 'gpu',
    reconcileMs: 250,
  });
  const api = apiOf(running);
  const result: ScalingLatency = { addToFirstLease: [], removeToIdle: [] };
  try {
    const job = await api<JobDetail>('POST', '/api/jobs', {
      kind: 'blender',
      scene,
      frames: '1-2000',
      nodes: 1,
      gpusPerNode: 1,
    });
    const tasks = (state: 'done' | 'leased') =>
      api<{ total: number; tasks: TaskView[] }>(
        'GET',
        `/api/jobs/${job.id}/tasks?state=${state}&limit=100`,
      );
    while ((await tasks('done')).total < 2) await sleep(100);
    const allocations = async () =>
      (await api<JobDetail>('GET', `/api/jobs/${job.id}`)).allocations;
    for (let i = 0; i < TRIES; i++) {
      const primary = (await allocations())
        .filter((a) => a.role === 'primary')
        .flatMap((a) => a.nodes);
      const t0 = performance.now();
      await api('POST', `/api/jobs/${job.id}/scale`, { add: 1 });
      for (;;) {
        // An agent renders frame after frame, so the new node's agent holds a lease from its
        // first one on.
        const leased = (await tasks('leased')).tasks;
        if (leased.some((t) => t.node !== null && !primary.includes(t.node))) break;
        if (performance.now() - t0 > 60_000)
          throw new Error('no agent on the new node leased a task within 60 s');
        await sleep(10);
      }
      result.addToFirstLease.push((performance.now() - t0) / 1000);
      ctx.log(
        `scaling: add ${i + 1}: first lease on the new node after ${result.addToFirstLease.at(-1)?.toFixed(2)} s`,
      );

      const attached = (await allocations()).find(
        (a) => a.role === 'attached' && a.state === 'running',
      );
      const node = attached?.nodes[0];
      const t1 = performance.now();
      await api('POST', `/api/jobs/${job.id}/scale`, { remove: 1, now: true });
      for (;;) {
        const n = (await ctx.bench.client.nodes()).find((x) => x.name === node);
        if (n?.state === 'idle') break;
        if (performance.now() - t1 > 60_000)
          throw new Error(`${node ?? 'the node'} did not go idle within 60 s`);
        await sleep(20);
      }
      result.removeToIdle.push((performance.now() - t1) / 1000);
      ctx.log(
        `scaling: remove ${i + 1}: ${node ?? '?'} idle after ${result.removeToIdle.at(-1)?.toFixed(2)} s`,
      );
      await sleep(500);
    }
    await api('POST', `/api/jobs/${job.id}/cancel`);
  } finally {
    await running.close();
  }
  return result;
}

/** The report lines for the scaling leg, with the targets. */
export function formatScalingLatency(r: ScalingLatency): string {
  const line = (label: string, xs: number[], target: number) =>
    `  ${label.padEnd(44)} median ${median(xs).toFixed(2)} s  (${xs.map((x) => x.toFixed(2)).join(', ')})  target < ${target} s  ${median(xs) < target ? 'PASS' : 'MISS'}`;
  return [
    'Scaling a running job (2-node bench cluster, median of 5):',
    line('scale --add 1 → first task leased on the new node', r.addToFirstLease, 2),
    line('scale --remove 1 --now → node idle in Slurm', r.removeToIdle, 2),
  ].join('\n');
}
