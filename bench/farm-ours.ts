import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobDetail, JobSummary, TaskView } from '../src/api/types.js';
import { startCoordinator } from '../src/coordinator/service.js';
import { apiOf } from './api.js';
import type { BenchContext } from './context.js';
import { BenchError } from './errors.js';
import type { FarmJob, WorkSpan } from './farm-plan.js';
import type { FarmLegOptions, FarmLegRun } from './farm-slurm.js';
import { logTails } from './slurm-jobs.js';

const LEG = 'farm (ours)';

/** A farm job as a command job's tasks.jsonl: one `sleep` per task, its seconds a field. */
export function farmTasksText(job: FarmJob, unitSeconds: number): string {
  return job.units
    .map((u, i) => JSON.stringify({ id: `${job.name}-${i + 1}`, seconds: u * unitSeconds }))
    .join('\n');
}

/** Each task's run: its node, and the Slurm job of the agent that ran it. */
export function workOf(detail: Pick<JobDetail, 'agents'>, tasks: readonly TaskView[]): WorkSpan[] {
  const slurmJobOf = new Map(detail.agents.map((a) => [a.id, a.slurmJobId]));
  return tasks.flatMap((t) =>
    t.state === 'done' && t.node !== null && t.startedAt !== null && t.finishedAt !== null
      ? [
          {
            node: t.node,
            slurmJobId: (t.agentId !== null ? slurmJobOf.get(t.agentId) : undefined) ?? -1,
            startedAt: t.startedAt,
            endedAt: t.finishedAt,
          },
        ]
      : [],
  );
}

/**
 * The farm with our coordinator: every job submitted together as a command job with its priority
 * and nodes, as `cluster-tool submit --priority P --nodes N` would. Returns when all have ended.
 */
export async function farmWithCoordinator(
  ctx: BenchContext,
  jobs: readonly FarmJob[],
  o: FarmLegOptions,
): Promise<FarmLegRun> {
  const rc = await startCoordinator({
    stateDir: path.join(ctx.workDir, 'coordinator-farm'),
    host: '127.0.0.1',
    port: 0,
    slurmConf: ctx.bench.cluster.layout.slurmConf,
    partition: 'gpu',
    log: () => {},
  });
  const api = apiOf(rc);
  try {
    const ids = new Map<string, string>();
    for (const job of jobs) {
      const d = await api<JobDetail>('POST', '/api/jobs', {
        kind: 'command',
        tasks: farmTasksText(job, o.unitSeconds),
        command: ['sleep', '{seconds}'],
        nodes: job.nodes,
        gpusPerNode: 1,
        priority: job.priority,
        name: `farm-${job.name}`,
      });
      ids.set(job.name, d.id);
    }
    // A job of `per-node` allocation asks Slurm for one single-node job per node.
    const submittedAt = await o.release(jobs.reduce((n, j) => n + j.nodes, 0));
    const deadline = Date.now() + o.timeoutMs;
    // A slow poll on purpose: every request takes CPU from the nodes being measured.
    for (;;) {
      const list = await api<JobSummary[]>('GET', '/api/jobs');
      const mine = list.filter((j) => [...ids.values()].includes(j.id));
      if (mine.every((j) => j.state !== 'queued' && j.state !== 'running')) break;
      if (Date.now() > deadline) {
        for (const id of ids.values())
          await api('POST', `/api/jobs/${id}/cancel`).catch(() => undefined);
        throw new BenchError(LEG, `the jobs did not finish in time; cancelled them`);
      }
      await sleep(1_000);
    }
    const work = new Map<string, WorkSpan[]>();
    for (const [name, id] of ids) {
      const detail = await api<JobDetail>('GET', `/api/jobs/${id}`);
      if (detail.state !== 'succeeded')
        throw new BenchError(
          LEG,
          `job ${id} (${name}) ${detail.state}: ${detail.error ?? ''}`,
          logTails(path.join(detail.dir, 'logs'), 'agent-'),
        );
      const { tasks } = await api<{ tasks: TaskView[] }>('GET', `/api/jobs/${id}/tasks?limit=1000`);
      work.set(name, workOf(detail, tasks));
    }
    return { submittedAt, work };
  } finally {
    await rc.close();
  }
}
