/**
 * The one place the benches reach into a coordinator running in their own process rather than
 * through its HTTP API (`startCoordinator` returns it as `coordinator`). Why: the simulated
 * agents' job must run with no Slurm allocation behind it, its tasks must appear at an instant
 * the bench picks, the bench must know when every agent is long-polling before it measures, and
 * one agent in the process holds a task so the stage stays open between samples. The API offers
 * none of that, on purpose: a submission asks Slurm for nodes. The tiled-still leg also reads the
 * tile times the agents reported, which the API does not show.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Coordinator } from '../src/coordinator/core.js';
import type { SqliteStore } from '../src/coordinator/store/sqlite-store.js';
import type { NewTask } from '../src/coordinator/store/types.js';

/** The parts of `Coordinator` the benches use in-process, and nothing else. */
export type BenchPort = Pick<
  Coordinator,
  'register' | 'lease' | 'renew' | 'complete' | 'requireJob'
> & {
  store: Pick<SqliteStore, 'insertJob' | 'transaction'> & {
    jobs: Pick<SqliteStore['jobs'], 'nextSeq'>;
    allocations: Pick<SqliteStore['allocations'], 'insert'>;
    tasks: Pick<SqliteStore['tasks'], 'insert' | 'list'>;
  };
  waiters: Pick<Coordinator['waiters'], 'offer' | 'waiting'>;
  stages: Pick<Coordinator['stages'], 'reset'>;
};

/** A running job written straight into the store, with its agents' token. */
export interface BenchJob {
  id: string;
  agentToken: string;
}

const noop = (seq: number): NewTask => ({
  stage: 'render',
  seq,
  kind: 'noop',
  payload: {},
  frames: [],
});

/** Writes a running job with one ready `render` stage holding `tasks` no-op tasks. */
export function insertNoopJob(c: BenchPort, stateDir: string, tasks: number): BenchJob {
  const seq = c.store.jobs.nextSeq();
  const id = `j${seq}`;
  const dir = path.join(stateDir, 'jobs', id);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const agentToken = randomBytes(24).toString('hex');
  c.store.insertJob(
    {
      id,
      seq,
      kind: 'command',
      name: `bench-noop-${tasks}`,
      state: 'running',
      spec: { kind: 'blender', scene: '', frames: '', nodes: 1 },
      dir,
      outputDir: path.join(dir, 'output'),
      agentToken,
      nodesWanted: 1,
      // The swarm registers four agents a simulated node, GPUs 0 to 3, as a p3.8xlarge's.
      gpusPerNode: 4,
      auto: null,
      priority: 50,
      owner: null,
      video: null,
      error: null,
      createdAt: Date.now(),
      finishedAt: null,
    },
    [{ name: 'render', seq: 0, state: 'ready' }],
    Array.from({ length: tasks }, (_, i) => noop(i)),
  );
  // The swarm's agents run in no Slurm job; they register as "Slurm job 0", recorded here.
  c.store.allocations.insert({
    slurmJobId: 0,
    jobId: id,
    role: 'primary',
    state: 'running',
    nodes: [],
    requestedNodes: 1,
    reason: 'the bench swarm: agents without Slurm',
    createdAt: Date.now(),
    endedAt: null,
  });
  return { id, agentToken };
}

/** Adds `count` no-op tasks, numbered from `from`, to the job's stage and wakes its agents. */
export function addNoopTasks(c: BenchPort, jobId: string, from: number, count: number): void {
  c.store.transaction(() =>
    c.store.tasks.insert(
      jobId,
      Array.from({ length: count }, (_, i) => noop(from + i)),
    ),
  );
  // The stage's open count was taken before these tasks existed.
  c.stages.reset();
  c.waiters.offer(jobId, count);
}

/** An agent in this process holding one task of the job, renewing it, so the stage stays open. */
export interface Holder {
  /** Completes the held task: the stage, and the job, may then end. */
  release(): Promise<void>;
  /** Stops renewing (the lease then runs out). */
  stop(): void;
}

/** Registers an agent on the job and leases its one queued task. */
export async function holdTask(c: BenchPort, jobId: string): Promise<Holder> {
  const agent = c.register(jobId, { node: 'holder', gpu: '0', slurmJobId: 0 });
  if ('exit' in agent) throw new Error(agent.exit);
  const held = await c.lease(agent.id, 0);
  if (!('task' in held)) throw new Error('the holder got no task');
  const taskId = held.task.id;
  const renew = setInterval(() => void c.renew(agent.id, taskId), 2_000);
  const stop = () => clearInterval(renew);
  return {
    stop,
    async release() {
      stop();
      await c.complete(agent.id, taskId, {});
    },
  };
}
