import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../src/coordinator/core.js';
import type { AgentRow, TaskRow } from '../../src/coordinator/store/types.js';
import type { AcceptingOutputCheck } from '../doubles/output-check.js';
import { requeuedText } from '../../src/viewer/app/pace-text.js';
import { testCoordinator } from './view/setup.js';

let h: ReturnType<typeof testCoordinator>;
let c: Coordinator;
let outputs: AcceptingOutputCheck;
let scene: string;

beforeEach(() => {
  h = testCoordinator();
  ({ c, outputs, scene } = h);
});

const agent = (jobId: string, node: string, gpu: string): AgentRow => h.agent(jobId, node, gpu);

async function lease(a: AgentRow): Promise<TaskRow | string | null> {
  const r = await c.lease(a.id, 0);
  return 'task' in r ? r.task : 'exit' in r ? r.exit : null;
}

describe('results count only from the agent that holds the task', () => {
  it('refuses a completion of a task nobody leased, and one another agent holds', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-2', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    const b = agent(job.id, 'node1', '1');
    const queued = c.store.tasks.list(job.id, { stage: 'render' }).tasks[1]!;
    expect(await c.complete(a.id, queued.id, {})).toBe(false);
    const t = (await lease(a)) as TaskRow;
    expect(await c.complete(b.id, t.id, {})).toBe(false);
    expect(c.store.tasks.get(queued.id)?.state).toBe('queued');
    expect(c.store.tasks.get(t.id)?.state).toBe('leased');
  });

  it('ignores a failure reported after the task was done', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-2', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    const t = (await lease(a)) as TaskRow;
    expect(await c.complete(a.id, t.id, {})).toBe(true);
    c.fail(a.id, t.id, 'late failure', []);
    expect(c.store.tasks.get(t.id)?.state).toBe('done');
  });

  it('counts a task whose frame is missing on disk as a failed attempt, not as done', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '7', nodes: 1 });
    const a = agent(job.id, 'node1', '0');
    const t = (await lease(a)) as TaskRow;
    outputs.missing.add(path.join(job.outputDir, 'frame_0007.png'));
    expect(await c.complete(a.id, t.id, { frames: { 7: { file: 'output/frame_0007.png' } } })).toBe(
      false,
    );
    const after = c.store.tasks.get(t.id);
    expect(after?.state).toBe('queued');
    expect(after?.error).toMatch(/reported done, but .*frame_0007\.png is missing/);
    expect(c.store.jobs.get(job.id)?.state).toBe('running');
  });
});

describe('an agent token alone does not make an agent', () => {
  it("refuses agents outside the job's allocations, on foreign nodes, or twice on one GPU", async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1 });
    const refused = (info: { node: string; gpu: string; slurmJobId: number }) => {
      const r = c.register(job.id, info);
      return 'exit' in r ? r.exit : null;
    };
    expect(refused({ node: 'node1', gpu: '0', slurmJobId: 0 })).toMatch(
      /Slurm job 0 is not a live allocation/,
    );
    expect(refused({ node: 'node1', gpu: '0', slurmJobId: 100 })).toBeNull();
    expect(refused({ node: 'node1', gpu: '0', slurmJobId: 100 })).toMatch(/already has agent/);
    expect(refused({ node: 'node1', gpu: '$(id)', slurmJobId: 100 })).toMatch(/not a GPU index/);
    c.store.allocations.update(100, { nodes: ['node2'] });
    expect(refused({ node: 'node9', gpu: '1', slurmJobId: 100 })).toMatch(
      /node node9 is not part of Slurm job 100/,
    );
  });
});

describe('an agent claims one GPU its allocation holds, once', () => {
  it('refuses GPU values a one-GPU allocation never hands out', async () => {
    const job = await c.submit({
      kind: 'blender',
      scene,
      frames: '1',
      nodes: 1,
      gpusPerNode: 1,
    });
    const register = (gpu: string) => {
      const r = c.register(job.id, { node: 'node1', gpu, slurmJobId: 100 });
      return 'exit' in r ? r.exit : null;
    };
    for (const gpu of ['9999', '', '00', '0,0', '1,0', '1'])
      expect(register(gpu), gpu).toMatch(
        /is not a GPU index of Slurm job 100: it holds 1 a node, one per agent \(0 to 0\)/,
      );
    expect(register('0')).toBeNull();
    expect(register('0')).toMatch(/already has agent/);
  });
});

describe('a job is never left waiting for an agent that does not exist', () => {
  it('retries a failed frame on the only agent after a pause, then fails it with the reason', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '3', nodes: 1 });
    const only = agent(job.id, 'node1', '0');
    const first = (await lease(only)) as TaskRow;
    c.fail(only.id, first.id, 'GPU fault', ['Error: boom']);
    // Nobody else can take it: not at once...
    expect(await lease(only)).toBeNull();
    // ...but after the retry pause, on the same agent, and the history says why.
    h.clock.now += 2_500;
    const again = (await lease(only)) as TaskRow;
    expect(again.id).toBe(first.id);
    expect(c.store.events.list(job.id).some((e) => e.type === 'task:retried-here')).toBe(true);
    c.fail(only.id, again.id, 'GPU fault', []);
    h.clock.now += 10_000;
    const third = (await lease(only)) as TaskRow;
    c.fail(only.id, third.id, 'GPU fault', []);
    const after = c.store.jobs.get(job.id);
    expect(after?.state).toBe('failed');
    expect(after?.error).toMatch(/frame\(s\) 3 failed after 3 attempts: GPU fault/);
  });

  it('pauses the whole job when its output cannot be written, without blaming any agent', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-4', nodes: 1 });
    const agents = ['0', '1'].map((g) => agent(job.id, 'node1', g));
    const t = (await lease(agents[0]!)) as TaskRow;
    c.fail(agents[0]!.id, t.id, 'EACCES: permission denied, open output/frame_0001.png', [], 'job');
    // Every agent waits out the pause; nothing counts against the task or the agent.
    expect(await lease(agents[1]!)).toBeNull();
    const back = c.store.tasks.get(t.id);
    expect(back?.attempts).toBe(0);
    expect(back?.excludedAgents).toEqual([]);
    expect(c.store.agents.get(agents[0]!.id)?.failures).toBe(0);
    expect(c.store.events.list(job.id).find((e) => e.type === 'job:paused')?.message).toMatch(
      /could not write its output.*waits 1 s/,
    );
    h.clock.now += 1_100;
    expect(((await lease(agents[0]!)) as TaskRow).id).toBe(t.id);
  });
});

describe('a stage whose tasks come from what an earlier one wrote', () => {
  it('fails the job when that is missing, and plans the stage again on retry', async () => {
    const template = {
      specificationVersion: 'jobtemplate-2023-09',
      name: 'fan-out',
      extensions: ['CLUSTER_TOOL_MANIFEST_RANGE'],
      steps: [
        { name: 'Make', script: { actions: { onRun: { command: 'true' } } } },
        {
          name: 'Use',
          dependencies: [{ dependsOn: 'Make' }],
          parameterSpace: {
            taskParameterDefinitions: [
              { name: 'Item', type: 'STRING', manifest: { lines: 'items.txt' } },
            ],
          },
          script: { actions: { onRun: { command: 'echo', args: ['{{Task.Param.Item}}'] } } },
        },
      ],
    };
    const job = await c.submit({
      kind: 'openjd',
      nodes: 1,
      template,
      templatePath: 'template.yaml',
      bundleDir: path.dirname(scene),
      parameters: {},
    });
    const a = agent(job.id, 'node1', '0');
    const make = (await lease(a)) as TaskRow;
    expect(await c.complete(a.id, make.id, {})).toBe(true);
    const failed = c.store.jobs.get(job.id);
    expect(failed?.state).toBe('failed');
    expect(failed?.error).toMatch(/stage Use could not start/);
    writeFileSync(path.join(job.dir, 'items.txt'), 'one\ntwo\n');
    expect(c.retry(job.id).state).toBe('running');
    expect(c.store.tasks.list(job.id, { stage: 'Use' }).total).toBe(2);
  });
});

describe('a retry', () => {
  it('says what it queued again, not the whole queue', async () => {
    const job = await c.submit({ kind: 'blender', scene, frames: '1-8', nodes: 1 });
    const only = agent(job.id, 'node1', '0');
    for (let i = 0; i < 8; i++) {
      const t = (await lease(only)) as TaskRow;
      expect(t.kind).toBe('blender-render');
      expect(await c.complete(only.id, t.id, {})).toBe(true);
    }
    const r = c.retry(job.id, [3]);
    expect(r.requeued).toEqual({ tasks: 1, units: 1 });
    expect(requeuedText(r)).toBe('1 frame queued again (1 queued)');
  });
});
