import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import type { TaskRunner } from '../../src/agent/runner.js';
import { reconcileAllocations } from '../../src/coordinator/allocations/reconcile.js';
import { Coordinator, DEFAULT_CONFIG } from '../../src/coordinator/core.js';
import { EventBus } from '../../src/coordinator/events.js';
import { buildServer } from '../../src/coordinator/http/server.js';
import { prepareStateDir } from '../../src/coordinator/state-dir.js';
import { SqliteStore } from '../../src/coordinator/store/sqlite-store.js';
import type { JobRow } from '../../src/coordinator/store/types.js';
import type { WarmUp } from '../../src/api/agent-protocol.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';

// The agent against a real coordinator (in this process, over HTTP), with a runner that only
// records what the agent asks of it.

let app: FastifyInstance | undefined;
let root = '';

afterEach(async () => {
  await app?.close();
  app = undefined;
  rmSync(root, { recursive: true, force: true });
});

async function running(): Promise<{ c: Coordinator; job: JobRow; url: string; scene: string }> {
  root = mkdtempSync(path.join(os.tmpdir(), 'ct-agent-'));
  const stateDir = path.join(root, 'state');
  const state = prepareStateDir(stateDir);
  const scene = path.join(root, 'shot.blend');
  writeFileSync(scene, 'BLENDER');
  const c = new Coordinator(
    new SqliteStore(state.db),
    new RecordingAllocationPort(),
    new EventBus(() => undefined),
    // Short leases: a cancelled job's task is taken from the agent at its next renewal.
    { ...DEFAULT_CONFIG, stateDir, leaseMs: 600 },
  );
  const job = await c.submit({ kind: 'blender', scene, frames: '1-2', nodes: 1 });
  await reconcileAllocations(c.reconcilePorts); // the allocation runs on node1
  app = await buildServer(c, { userToken: state.token });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return { c, job: c.requireJob(job.id), url, scene };
}

/** A Blender-kind runner that records warm-ups (and whether the agent had registered then). */
function recordingRunner(c: Coordinator, jobId: string) {
  const calls: { warmUp: WarmUp; agentsThen: number }[] = [];
  let closed = 0;
  const runner: TaskRunner = {
    kinds: ['blender-render'],
    warmUp: (kind, payload) => {
      calls.push({ warmUp: { kind, payload }, agentsThen: c.store.agents.count(jobId) });
      return Promise.resolve();
    },
    // Runs until the lease is lost: the tests cancel the job.
    run: (_task, ctx) =>
      new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => reject(new Error('stopped'))),
      ),
    close: () => {
      closed++;
      return Promise.resolve();
    },
  };
  return { runner, calls, closed: () => closed };
}

function agent(url: string, job: JobRow, runner: TaskRunner, warmUp?: WarmUp) {
  return new Agent({
    coordinatorUrl: url,
    token: job.agentToken,
    jobId: job.id,
    node: 'node1',
    gpu: '0',
    slurmJobId: 100,
    runners: [runner],
    warmUp,
    pollMs: 200,
    log: () => {},
  });
}

describe('an agent', () => {
  it('begins the warm-up the allocation script named before it registers, and only once', async () => {
    const { c, job, url } = await running();
    const named = c.warmUps.of(job);
    expect(named).toBeDefined();
    const rec = recordingRunner(c, job.id);
    const done = agent(url, job, rec.runner, named).run();
    await expect.poll(() => c.store.agents.count(job.id)).toBe(1);
    // The registration names the same warm-up; it is not begun a second time.
    expect(rec.calls).toEqual([{ warmUp: named, agentsThen: 0 }]);
    c.cancel(job.id);
    await expect(done).resolves.toMatch(/cancelled/);
    expect(rec.closed()).toBe(1);
  });

  it("begins the registration's warm-up when the script named none, or another", async () => {
    const { c, job, url, scene } = await running();
    const rec = recordingRunner(c, job.id);
    const other: WarmUp = { kind: 'blender-render', payload: { scene: `${scene}.other` } };
    const done = agent(url, job, rec.runner, other).run();
    await expect.poll(() => rec.calls.length).toBe(2);
    expect(rec.calls).toEqual([
      { warmUp: other, agentsThen: 0 },
      { warmUp: c.warmUps.of(job), agentsThen: 1 },
    ]);
    c.cancel(job.id);
    await done;
  });

  it('stops what it started early when the coordinator turns it away', async () => {
    const { c, job, url } = await running();
    c.cancel(job.id);
    const rec = recordingRunner(c, job.id);
    const exit = await agent(url, job, rec.runner, c.warmUps.of(job)).run();
    expect(exit).toMatch(/cancelled/);
    expect(rec.calls).toHaveLength(1);
    // The runner (and the Blender it was starting) is closed, not left to the process's exit.
    expect(rec.closed()).toBe(1);
  });

  it("sends its runner's latest progress with the lease renewals, and the coordinator shows it", async () => {
    const { c, job, url } = await running();
    let report: ((fraction: number) => void) | undefined;
    const runner: TaskRunner = {
      kinds: ['blender-render'],
      run: (_task, ctx) =>
        new Promise((_resolve, reject) => {
          report = (fraction) =>
            ctx.progress?.({ fraction, activity: `Sample ${fraction * 64}/64` });
          ctx.signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
      close: () => Promise.resolve(),
    };
    const done = agent(url, job, runner).run();
    await expect.poll(() => report !== undefined).toBe(true);
    const shown = () => c.detail(job.id).agents[0]?.currentProgress ?? null;
    report?.(0.25);
    await expect.poll(() => shown()?.fraction).toBe(0.25);
    expect(shown()?.activity).toBe('Sample 16/64');
    report?.(0.5);
    await expect.poll(() => shown()?.fraction).toBe(0.5);
    c.cancel(job.id);
    await done;
    expect(shown()).toBeNull();
  });
});
