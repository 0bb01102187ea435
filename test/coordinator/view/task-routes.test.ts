import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { taskOutputFile } from '../../../src/api/task-output-files.js';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  CoordinatorEvent,
  JobDetail,
  TaskDetail,
  TaskLog,
  TaskView,
} from '../../../src/api/types.js';
import { buildServer } from '../../../src/coordinator/http/server.js';
import { JobStream } from '../../../src/coordinator/view/job-stream.js';
import { testCoordinator } from './setup.js';

const TOKEN = 'u'.repeat(48);
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(c: ReturnType<typeof testCoordinator>['c']) {
  app = await buildServer(c, { userToken: TOKEN });
  const call = async <T>(method: 'GET' | 'POST', url: string, body?: unknown) => {
    const r = await app!.inject({
      method,
      url,
      headers: { authorization: `Bearer ${TOKEN}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: r.statusCode, body: r.json<T & { error?: string }>() };
  };
  return call;
}

const commands = (ids: string[]) =>
  ids.map((id) => JSON.stringify({ id, argv: ['true'] })).join('\n') + '\n';

describe('the task routes', () => {
  it('requeues one failed command task by id from its name, and refuses a negative frame', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['a', 'b']) });
    const agents = ['0', '1', '2'].map((g) => t.agent(job.id, 'node1', g));
    const first = await t.lease(agents[0]!);
    await t.c.complete(agents[0]!.id, first.id, {});
    for (const a of agents) {
      const task = await t.lease(a);
      t.c.fail(a.id, task.id, 'exit 3', ['bad']);
    }
    const call = await serve(t.c);
    const failed = await call<TaskDetail>('GET', `/api/jobs/${job.id}/task?name=b`);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ name: 'b', state: 'failed', frames: [] });
    expect(failed.body.attemptsList.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
    const before = await call<JobDetail>('GET', `/api/jobs/${job.id}`);
    expect(before.body.state).toBe('failed');
    const r = await call<TaskView>('POST', `/api/jobs/${job.id}/task/requeue`, {
      id: failed.body.id,
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'b', state: 'queued', attempts: 0 });
    const after = await call<JobDetail>('GET', `/api/jobs/${job.id}`);
    expect(after.body.state).toBe('running');
    expect(after.body.progress).toMatchObject({ done: 1, queued: 1, failed: 0 });
    // The old route with a made-up negative frame still says what is wrong.
    const neg = await call('POST', `/api/jobs/${job.id}/retry`, { frames: '-175' });
    expect(neg.status).toBe(400);
  });

  it('requeues a done frame, with the encode after it, and the job runs again', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1-2', nodes: 1 });
    const a = t.agent(job.id, 'node1', '0');
    for (let i = 0; i < 3; i++) {
      const task = await t.lease(a);
      await t.c.complete(a.id, task.id, i === 2 ? { video: 'output/video.mp4' } : {});
    }
    const call = await serve(t.c);
    expect((await call<JobDetail>('GET', `/api/jobs/${job.id}`)).body.state).toBe('succeeded');
    const frame = await call<TaskDetail>('GET', `/api/jobs/${job.id}/task?frame=2`);
    expect(frame.body.name).toBe('frame 2');
    const r = await call<TaskView>('POST', `/api/jobs/${job.id}/task/requeue`, {
      id: frame.body.id,
    });
    expect(r.body.state).toBe('queued');
    const d = (await call<JobDetail>('GET', `/api/jobs/${job.id}`)).body;
    expect(d.state).toBe('running');
    expect(d.stages.map((s) => s.state)).toEqual(['ready', 'waiting']);
    const again = await call('POST', `/api/jobs/${job.id}/task/requeue`, { id: frame.body.id });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatch(/frame 2 is queued already/);
  });

  it('cancels one running task: its agent loses the lease and the task counts as cancelled', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['x', 'y']) });
    const a = t.agent(job.id, 'node1', '0');
    const running = await t.lease(a);
    const call = await serve(t.c);
    const r = await call<TaskView>('POST', `/api/jobs/${job.id}/task/cancel`, { id: running.id });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'x', state: 'cancelled' });
    expect(await t.c.renew(a.id, running.id)).toBe(false);
    expect(await t.c.complete(a.id, running.id, {})).toBe(false);
    const d = (await call<JobDetail>('GET', `/api/jobs/${job.id}`)).body;
    expect(d.progress).toMatchObject({ cancelled: 1, failed: 0, queued: 1 });
    const twice = await call('POST', `/api/jobs/${job.id}/task/cancel`, { id: running.id });
    expect(twice.status).toBe(400);
  });

  it("reads one task's lines from its agent's log", async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['p', 'q']) });
    const a = t.agent(job.id, 'node2', '1');
    const p = await t.lease(a);
    await t.c.complete(a.id, p.id, {});
    const q = await t.lease(a);
    mkdirSync(path.join(job.dir, 'logs'), { recursive: true });
    writeFileSync(
      path.join(job.dir, 'logs', 'agent-node2-1.log'),
      [
        `T registered as ${a.id}`,
        `T leased task ${p.id} (command)`,
        'T p says hello',
        `T done task ${p.id} (command)`,
        `T leased task ${q.id} (command)`,
        'T q is running',
      ].join('\n') + '\n',
    );
    const call = await serve(t.c);
    const log = await call<TaskLog>('GET', `/api/jobs/${job.id}/task/log?name=p`);
    expect(log.body.lines).toEqual([
      '── attempt 1 on node2 GPU 1 ──',
      `T leased task ${p.id} (command)`,
      'T p says hello',
      `T done task ${p.id} (command)`,
    ]);
    expect(log.body.attempts[0]).toMatchObject({ node: 'node2', gpu: '1', attempt: 1 });
    const running = await call<TaskLog>('GET', `/api/jobs/${job.id}/task/log?id=${q.id}`);
    expect(running.body.lines.at(-1)).toBe('T q is running');
    const none = await call('GET', `/api/jobs/${job.id}/task/log?name=nope`);
    expect(none.status).toBe(404);
  });
  it("reads one attempt of a task that failed twice: its own output and the agent's lines, and says which attempts there are", async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['flaky']) });
    const agents = ['0', '1', '2'].map((g) => t.agent(job.id, 'node1', g));
    const agentLog: Record<string, string[]> = {};
    for (const [i, a] of agents.slice(0, 2).entries()) {
      t.clock.now += 600_000; // past any retry pause
      const task = await t.lease(a);
      agentLog[a.gpu] = [
        `T leased task ${task.id} (command)`,
        `T failed task ${task.id} (command)`,
      ];
      const started = { startedAt: t.clock.now };
      const file = taskOutputFile(job.dir, task.id, a, started.startedAt);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `T out: attempt ${i + 1} line 1\nT err: attempt ${i + 1} boom\n`);
      t.c.fail(a.id, task.id, 'exited with 1', ['boom']);
    }
    for (const [gpu, lines] of Object.entries(agentLog))
      writeFileSync(path.join(job.dir, 'logs', `agent-node1-${gpu}.log`), lines.join('\n') + '\n');
    const call = await serve(t.c);
    const all = await call<TaskLog>('GET', `/api/jobs/${job.id}/task/log?name=flaky`);
    expect(all.body.attemptNumbers).toEqual([1, 2]);
    expect(all.body.lines.filter((l) => l.startsWith('──'))).toEqual([
      '── attempt 1 on node1 GPU 0 ──',
      '── attempt 2 on node1 GPU 1 ──',
    ]);
    for (const n of [1, 2]) {
      const one = await call<TaskLog>(
        'GET',
        `/api/jobs/${job.id}/task/log?name=flaky&attempt=${n}`,
      );
      expect(one.status).toBe(200);
      expect(one.body.attempts.map((a) => a.attempt)).toEqual([n]);
      expect(one.body.lines.filter((l) => /attempt \d line|boom/.test(l))).toEqual([
        `T out: attempt ${n} line 1`,
        `T err: attempt ${n} boom`,
      ]);
      expect(one.body.lines.join('\n')).not.toMatch(new RegExp(`attempt ${3 - n}`));
    }
    const none = await call('GET', `/api/jobs/${job.id}/task/log?name=flaky&attempt=3`);
    expect(none.status).toBe(404);
    expect(none.body.error).toMatch(/has no attempt 3; its attempts are 1, 2/);
    const bad = await call('GET', `/api/jobs/${job.id}/task/log?name=flaky&attempt=0`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/not an attempt number/);
  });
});

describe("a job's own stream", () => {
  it('sends the job first, then every change in order, leases and put-back tasks included', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'blender', scene: t.scene, frames: '1-3', nodes: 1 });
    const sent: CoordinatorEvent[] = [];
    const stream = new JobStream(t.store, job.id, (e) => sent.push(e));
    const off = t.c.bus.subscribe((e) => stream.on(e));
    stream.snapshot();
    const a = t.agent(job.id, 'node1', '0');
    const first = await t.lease(a);
    await new Promise((r) => setTimeout(r, 20));
    await t.c.complete(a.id, first.id, {
      frames: { 1: { file: 'output/frame_0001.png', seconds: 1 } },
    });
    const second = await t.lease(a);
    await new Promise((r) => setTimeout(r, 20));
    t.c.dropAgent(t.store.agents.get(a.id)!, 'test');
    await new Promise((r) => setTimeout(r, 20));
    off();
    expect(sent[0]?.type).toBe('job:snapshot');
    const states = (id: number) =>
      sent.flatMap((e) => (e.type === 'task:updated' && e.task.id === id ? [e.task.state] : []));
    expect(states(first.id)).toEqual(['leased', 'done']);
    expect(states(second.id)).toEqual(['leased', 'queued']);
    const done = sent.find((e) => e.type === 'task:updated' && e.task.state === 'done');
    expect(done?.type === 'task:updated' && done.task.files).toEqual(['output/frame_0001.png']);
  });
});
