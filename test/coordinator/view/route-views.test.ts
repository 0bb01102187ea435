import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoordinatorEvent } from '../../../src/api/types.js';
import { UsageError } from '../../../src/errors.js';
import { EventBus } from '../../../src/coordinator/events.js';
import type { AgentRow } from '../../../src/coordinator/store/types.js';
import { clusterView } from '../../../src/coordinator/view/cluster.js';
import { followJob } from '../../../src/coordinator/view/job-stream.js';
import { jobLogs } from '../../../src/coordinator/view/job-logs.js';
import { attemptsOf, taskDetail, taskPage } from '../../../src/coordinator/view/tasks.js';
import { testCoordinator } from './setup.js';

const commands = (ids: string[]) =>
  ids.map((id) => JSON.stringify({ id, argv: ['true'] })).join('\n') + '\n';

describe('the cluster view', () => {
  it('names the job holding each node, from its live allocations only', () => {
    const node = (name: string) => ({ name, state: 'idle', flags: [], gpus: 4, gpusUsed: 0 });
    const view = clusterView(
      [node('n1'), node('n2'), node('n3')],
      [
        { state: 'running', nodes: ['n1', 'n2'], jobId: 'j1', slurmJobId: 11 },
        { state: 'ended', nodes: ['n3'], jobId: 'j0', slurmJobId: 10 },
        { state: 'pending', nodes: ['n2'], jobId: 'j2', slurmJobId: 12 },
      ],
    );
    expect(view.nodes.map((n) => [n.name, n.jobId, n.slurmJobIds])).toEqual([
      ['n1', 'j1', [11]],
      ['n2', 'j1', [11, 12]],
      ['n3', null, []],
    ]);
    expect(view.nodes[0]).toMatchObject({ state: 'idle', flags: [], gpus: 4, gpusUsed: 0 });
  });
});

describe("a job's logs", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-logs-'));
  mkdirSync(path.join(dir, 'logs'));
  writeFileSync(path.join(dir, 'logs', 'slurm-2.out'), 'c\nd\n');
  writeFileSync(path.join(dir, 'logs', 'slurm-1.out'), 'a\n\nb\n');
  writeFileSync(path.join(dir, 'logs', 'agent-n1-0.log'), 'x\ny\n');
  const job = { id: 'j1', dir };
  const agent = { id: 'a1', jobId: 'j1', node: 'n1', gpu: '0' } as AgentRow;
  const agents = { get: (id: string) => (id === agent.id ? agent : undefined) };

  it("reads the allocations' output in name order, the last `tail` lines", () => {
    expect(jobLogs(agents, job, {})).toEqual({
      agent: undefined,
      files: ['slurm-1.out', 'slurm-2.out'],
      lines: ['a', 'b', 'c', 'd'],
      released: [null, null, null, null],
    });
    expect(jobLogs(agents, job, { tail: 1 }).lines).toEqual(['d']);
  });

  it("reads one agent's log, and refuses an agent of another job", () => {
    expect(jobLogs(agents, job, { agent: 'a1' })).toEqual({
      agent: 'a1',
      files: ['agent-n1-0.log'],
      lines: ['x', 'y'],
    });
    expect(() => jobLogs(agents, { id: 'j2', dir }, { agent: 'a1' })).toThrow(UsageError);
    expect(() => jobLogs(agents, job, { agent: 'nobody' })).toThrow(UsageError);
  });

  it('has no lines for a job without a logs folder', () => {
    const empty = { id: 'j3', dir: path.join(dir, 'missing') };
    expect(jobLogs(agents, empty, {})).toEqual({
      agent: undefined,
      files: [],
      lines: [],
      released: [],
    });
  });
});

describe("a job's tasks", () => {
  it('lists the first 1,000 unless asked otherwise, as views', () => {
    const asked: unknown[] = [];
    const tasks = {
      list: (jobId: string, f: unknown) => {
        asked.push([jobId, f]);
        return { total: 0, tasks: [] };
      },
    };
    expect(taskPage(tasks, 'j1', { state: 'failed' })).toEqual({ total: 0, tasks: [] });
    taskPage(tasks, 'j1', { stage: 'encode', offset: 5, limit: 10 });
    expect(asked).toEqual([
      ['j1', { stage: undefined, state: 'failed', offset: 0, limit: 1000 }],
      ['j1', { stage: 'encode', state: undefined, offset: 5, limit: 10 }],
    ]);
  });

  it('details one task with its attempts', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['p', 'q']) });
    const a = t.agent(job.id, 'node2', '1');
    const p = await t.lease(a);
    await t.c.complete(a.id, p.id, {});
    const d = taskDetail(t.store.tasks, job, { name: 'p' });
    expect(d).toMatchObject({ id: p.id, jobId: job.id, name: 'p', state: 'done' });
    expect(d.attemptsList).toEqual([
      expect.objectContaining({ attempt: 1, agentId: a.id, node: 'node2', gpu: '1' }),
    ]);
    expect(d.attemptsList).toEqual(attemptsOf(t.store.tasks, p.id));
    expect(attemptsOf(t.store.tasks, 999_999)).toEqual([]);
  });
});

describe('following a job', () => {
  it('sends the snapshot first, then the events the bus carries, until stopped', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['p']) });
    const bus = new EventBus(() => undefined, 0);
    const sent: CoordinatorEvent[] = [];
    const off = followJob(t.store, bus, job.id, (e) => sent.push(e));
    expect(sent.map((e) => e.type)).toEqual(['job:snapshot']);
    bus.emit({ type: 'cluster:updated' });
    const summary = { id: job.id } as never;
    bus.emit({ type: 'job:updated', jobId: job.id, summary });
    expect(sent.map((e) => e.type)).toEqual(['job:snapshot', 'job:updated']);
    off();
    bus.emit({ type: 'job:updated', jobId: job.id, summary });
    expect(sent).toHaveLength(2);
  });
});
