import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventType } from '../../src/api/events.js';
import { reconcileAllocations } from '../../src/coordinator/allocations/reconcile.js';
import { Coordinator, DEFAULT_CONFIG } from '../../src/coordinator/core.js';
import { EventBus } from '../../src/coordinator/events.js';
import type { SlurmAllocationState } from '../../src/coordinator/ports.js';
import { SqliteStore } from '../../src/coordinator/store/sqlite-store.js';
import type { AgentRow } from '../../src/coordinator/store/types.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { indexRequest } from '../helpers/index-request.js';

/** A Slurm double that can end a Slurm job in whatever state Slurm would report. */
class EndingPort extends RecordingAllocationPort {
  private readonly ends = new Map<number, string>();

  end(slurmJobId: number, state: string): void {
    this.ends.set(slurmJobId, state);
  }

  override async list(): Promise<SlurmAllocationState[]> {
    return (await super.list()).map((s) => {
      const state = this.ends.get(s.slurmJobId);
      return state === undefined ? s : { ...s, active: false, state };
    });
  }
}

let clock: number;
let c: Coordinator;
let port: EndingPort;
let scene: string;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ct-levels-'));
  scene = path.join(dir, 'scene.blend');
  writeFileSync(scene, 'BLENDER');
  port = new EndingPort();
  clock = 1_000_000;
  c = new Coordinator(
    new SqliteStore(path.join(dir, 'state.db')),
    port,
    new EventBus(() => undefined),
    { ...DEFAULT_CONFIG, stateDir: dir, maxAttempts: 2 },
    () => clock,
  );
});

/** A reconcile pass a moment later (allocations recorded since its listing are left alone). */
async function pass(): Promise<void> {
  clock += 1_000;
  await reconcileAllocations(c.reconcilePorts);
}

/** A running Blender job on `nodes` nodes of one Slurm job, an agent on each. */
async function runningJob(nodes = 1) {
  const job = await c.submit({ kind: 'blender', scene, frames: '1-20', nodes });
  await pass();
  const slurmJobId = c.store.allocations.list(job.id)[0]?.slurmJobId ?? 0;
  const agent = (node: string, gpu: string) => {
    const a = c.register(job.id, { node, gpu, slurmJobId });
    if ('exit' in a) throw new Error(a.exit);
    return a;
  };
  const agents = Array.from({ length: nodes }, (_, i) => agent(`node${i + 1}`, '0'));
  return { job, slurmJobId, agents, agent };
}

/** The job's last event of a type, as the API shows it. */
function last(jobId: string, type: EventType) {
  return c
    .detail(jobId)
    .events.filter((e) => e.type === type)
    .at(-1);
}

describe('how much each event of a job history matters, decided where it is recorded', () => {
  it('warns of an allocation that fails under a running job, its agents going as a matter of course', async () => {
    const { job } = await runningJob();
    port.end(100, 'NODE_FAIL');
    await pass();
    expect(last(job.id, 'allocation:ended')).toMatchObject({
      message: 'Slurm job 100 ended (NODE_FAIL)',
      level: 'warning',
    });
    const gone = last(job.id, 'agent:gone');
    expect(gone?.message).toMatch(/gone \(its allocation ended\)/);
    expect(gone?.level).toBe('detail');
  });

  it('warns of an allocation cancelled behind the coordinator, and folds one Slurm completed', async () => {
    const cancelled = await runningJob();
    port.end(100, 'CANCELLED');
    await pass();
    expect(last(cancelled.job.id, 'allocation:ended')).toMatchObject({
      message: 'Slurm job 100 ended (CANCELLED)',
      level: 'warning',
    });
    const completed = await runningJob();
    port.end(completed.slurmJobId, 'COMPLETED');
    await pass();
    expect(last(completed.job.id, 'allocation:ended')).toMatchObject({
      message: `Slurm job ${completed.slurmJobId} ended (COMPLETED)`,
      level: 'detail',
    });
  });

  it('says an allocation of an ended job was released, and folds it and its agents', async () => {
    const { job } = await runningJob();
    c.cancel(job.id);
    port.end(100, 'CANCELLED by 1000');
    await pass();
    expect(last(job.id, 'allocation:ended')).toMatchObject({
      message: 'Slurm job 100 released (Slurm reports it CANCELLED)',
      level: 'detail',
    });
    expect(last(job.id, 'agent:gone')?.level).toBe('detail');
  });

  it('says an allocation the coordinator shrank was released when it ends', async () => {
    // Resizing is for a job of one allocation (a per-node job's nodes go with their Slurm jobs).
    const job = await c.submit(indexRequest(dir, 2));
    await pass();
    await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(last(job.id, 'allocation:shrunk')?.level).toBe('info');
    port.end(100, 'CANCELLED');
    await pass();
    expect(last(job.id, 'allocation:ended')).toMatchObject({
      message: 'Slurm job 100 released (Slurm reports it CANCELLED)',
      level: 'detail',
    });
  });

  it("records a per-node job's released node as cancelled by the coordinator, no warning after", async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-20', nodes: 2 });
    await pass();
    for (const a of c.store.allocations.list(job.id))
      if (
        'exit' in c.register(job.id, { node: a.nodes[0] ?? '', gpu: '0', slurmJobId: a.slurmJobId })
      )
        throw new Error('not admitted');
    await c.scaler.scale(job.id, { remove: 1, now: true });
    expect(last(job.id, 'allocation:shrunk')).toMatchObject({
      message: 'Slurm job 101 cancelled (no node left)',
      level: 'info',
    });
    await pass();
    expect(last(job.id, 'allocation:ended')).toBeUndefined();
  });

  it('warns of an agent gone silent while its job runs, and folds one gone after the job ended', async () => {
    const running = await runningJob();
    clock += DEFAULT_CONFIG.agentTimeoutMs + 1_000;
    c.sweep();
    expect(last(running.job.id, 'agent:gone')?.level).toBe('warning');

    const ended = await runningJob();
    c.cancel(ended.job.id);
    clock += DEFAULT_CONFIG.agentTimeoutMs + 1_000;
    c.sweep();
    expect(last(ended.job.id, 'agent:gone')?.level).toBe('detail');
  });

  it('warns of a task failing with attempts left, and calls its last failure an error', async () => {
    const { job, agents, agent: register } = await runningJob();
    for (const agent of [agents[0] as AgentRow, register('node1', '1')]) {
      const r = await c.lease(agent.id, 0);
      if (!('task' in r)) throw new Error(JSON.stringify(r));
      c.fail(agent.id, r.task.id, 'exit 1', []);
      clock += 600_000;
    }
    const failures = c.detail(job.id).events.filter((e) => e.type === 'task:failed');
    expect(failures.map((e) => [e.data.final, e.level])).toEqual([
      [false, 'warning'],
      [true, 'error'],
    ]);
  });
});
