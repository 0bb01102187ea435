import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCoordinator } from '../coordinator/service.js';
import { ensureSampleScene } from '../renderers/blender/sample-scene.js';
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
 * `--now` and time until Slurm shows the node idle.
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
  const c = running.coordinator;
  const result: ScalingLatency = { addToFirstLease: [], removeToIdle: [] };
  try {
    const job = await c.submit({
      kind: 'blender',
      scene,
      frames: '1-2000',
      nodes: 1,
      gpusPerNode: 1,
    });
    while (c.store.tasks.list(job.id, { state: 'done' }).total < 2) await sleep(100);
    const primaryNodes = () =>
      c.store.allocations
        .list(job.id)
        .filter((a) => a.role === 'primary')
        .flatMap((a) => a.nodes);
    for (let i = 0; i < TRIES; i++) {
      const t0 = performance.now();
      const since = Date.now();
      const primary = primaryNodes();
      await c.scaler.scale(job.id, { add: 1 }, 'user');
      for (;;) {
        const nodes = c.store.tasks.nodesLeasedSince(job.id, since);
        if (nodes.some((n) => !primary.includes(n))) break;
        if (performance.now() - t0 > 60_000)
          throw new Error('no agent on the new node leased a task within 60 s');
        await sleep(10);
      }
      result.addToFirstLease.push((performance.now() - t0) / 1000);
      ctx.log(
        `scaling: add ${i + 1}: first lease on the new node after ${result.addToFirstLease.at(-1)?.toFixed(2)} s`,
      );

      const attached = c.store.allocations
        .list(job.id)
        .find((a) => a.role === 'attached' && a.state === 'running');
      const node = attached?.nodes[0];
      const t1 = performance.now();
      await c.scaler.scale(job.id, { remove: 1, now: true }, 'user');
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
    c.cancel(job.id);
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
