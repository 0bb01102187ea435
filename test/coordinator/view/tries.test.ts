import { describe, expect, it } from 'vitest';
import { testCoordinator } from './setup.js';

const commands = (ids: string[]) =>
  ids.map((id) => JSON.stringify({ id, argv: ['true'] })).join('\n') + '\n';

describe("a task's tries", () => {
  it('counts every attempt recorded, across a requeue: 3 failures, requeued, 3; leased again, 4', async () => {
    const t = testCoordinator();
    const job = await t.c.submit({ kind: 'command', nodes: 1, tasks: commands(['only']) });
    const agents = ['0', '1', '2', '3'].map((g) => t.agent(job.id, 'node1', g));
    for (const [i, a] of agents.slice(0, 3).entries()) {
      const task = await t.lease(a);
      expect(t.c.taskDetail(job.id, { name: 'only' }).tries).toBe(i + 1);
      t.c.fail(a.id, task.id, 'exit 3', ['bad']);
    }
    const failed = t.c.taskDetail(job.id, { name: 'only' });
    expect(failed).toMatchObject({ state: 'failed', tries: 3 });
    t.c.requeueTask(job.id, failed.id, failed.name);
    // The retry limit starts afresh; the tries do not.
    const requeued = t.c.tasks(job.id, {}).tasks[0];
    expect(requeued).toMatchObject({ state: 'queued', attempts: 0, tries: 3 });
    await t.lease(agents[3]!);
    expect(t.c.taskDetail(job.id, { name: 'only' })).toMatchObject({ state: 'leased', tries: 4 });
    expect(t.c.taskDetail(job.id, { name: 'only' }).attemptsList).toHaveLength(4);
  });
});
