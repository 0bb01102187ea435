import { describe, expect, it } from 'vitest';
import { agentRunners } from '../../src/agent/agent-runners.js';
import { LazyRunner } from '../../src/agent/lazy-runner.js';
import type { TaskRunner } from '../../src/agent/runner.js';

// An agent loads each runner with its first task: its start loads only what its job needs.

const task = { id: 1, kind: 'command', frames: [], payload: {} } as unknown as Parameters<
  TaskRunner['run']
>[0];
const ctx = { gpu: '0', signal: new AbortController().signal, log: () => {} };

describe('a runner loaded on first use', () => {
  it('loads nothing until its first task, then once', async () => {
    let loads = 0;
    let closed = 0;
    const r = new LazyRunner(['command'], async () => {
      loads++;
      return {
        kinds: ['command'],
        run: async () => ({ ok: true }),
        close: async () => void closed++,
      };
    });
    await r.close();
    expect(loads).toBe(0);
    expect(closed).toBe(0);
    expect(await r.run(task, ctx)).toEqual({ ok: true });
    expect(await r.run(task, ctx)).toEqual({ ok: true });
    expect(loads).toBe(1);
    await r.close();
    expect(closed).toBe(1);
  });

  it('refuses a runner that takes other kinds than the list said', async () => {
    const r = new LazyRunner(['command'], async () => ({
      kinds: ['plenoxels'],
      run: async () => ({}),
      close: async () => {},
    }));
    await expect(r.run(task, ctx)).rejects.toThrow(/runner list is out of date/);
  });

  it("names each runner's kinds as the runner itself does", async () => {
    const runners = agentRunners({ threads: 1 });
    for (const r of runners) {
      const loaded = await r.runner();
      expect([...loaded.kinds].sort()).toEqual([...r.kinds].sort());
      await r.close();
    }
    expect(runners.flatMap((r) => r.kinds)).toContain('openjd-task');
  });
});
