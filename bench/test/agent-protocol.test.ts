import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertNoopJob } from '../coordinator-port.js';
import { LONG_POLL_SPREAD } from '../../src/coordinator/desk/long-poll.js';
import { callApi } from '../../src/api/http-client.js';
import { startCoordinator, type RunningCoordinator } from '../../src/coordinator/service.js';

// The parts of the agent protocol the scheduling bench leans on: a lease long-polls for the
// greater part of waitMs when there is no work, and a completion can bring the next task along.

const root = mkdtempSync(path.join(tmpdir(), 'ct-protocol-'));
let rc: RunningCoordinator;
let job: { id: string; agentToken: string };

beforeAll(async () => {
  rc = await startCoordinator({
    stateDir: path.join(root, 'state'),
    host: '127.0.0.1',
    port: 0,
    reconcileMs: 3_600_000,
  });
  job = insertNoopJob(rc.coordinator, path.join(root, 'state'), 2);
});

afterAll(async () => {
  await rc.close();
  rmSync(root, { recursive: true, force: true });
});

const post = <T>(route: string, body: unknown) =>
  callApi<T>(rc.url, job.agentToken, 'POST', route, body);

describe('agent protocol', () => {
  it('hands out the next task with a completion, long-polls when none is left, and says exit at the end', async () => {
    const reg = await post<{ agentId: string }>('/api/agent/register', {
      jobId: job.id,
      node: 'n1',
      gpu: '0',
      slurmJobId: 0,
    });
    const agentId = reg.data?.agentId ?? '';
    const first = await post<{ task: { id: number } }>('/api/agent/lease', { agentId, waitMs: 0 });
    const firstId = first.data?.task.id ?? 0;
    const done = await post<{ ok: boolean; lease?: { task?: { id: number } } }>(
      `/api/agent/tasks/${firstId}/complete`,
      { agentId, result: {}, lease: true },
    );
    const secondId = done.data?.lease?.task?.id;
    expect(secondId).toBeGreaterThan(firstId);

    // A second agent finds nothing queued: its lease waits out most of waitMs (not answered at once).
    const other = await post<{ agentId: string }>('/api/agent/register', {
      jobId: job.id,
      node: 'n2',
      gpu: '0',
      slurmJobId: 0,
    });
    const t0 = Date.now();
    const idle = await post('/api/agent/lease', { agentId: other.data?.agentId, waitMs: 400 });
    expect(idle.status).toBe(204);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400 * (1 - LONG_POLL_SPREAD) - 10);

    const last = await post<{ lease?: { exit?: string } }>(
      `/api/agent/tasks/${secondId}/complete`,
      {
        agentId,
        result: {},
        lease: true,
      },
    );
    expect(last.data?.lease?.exit).toMatch(/succeeded/);
    expect(rc.coordinator.store.jobs.get(job.id)?.state).toBe('succeeded');
  });

  it('takes the four agents a simulated node registers, as the swarm sends them', async () => {
    const swarm = insertNoopJob(rc.coordinator, path.join(root, 'state'), 1);
    for (const gpu of ['0', '1', '2', '3']) {
      const r = await callApi<{ agentId?: string; exit?: string }>(
        rc.url,
        swarm.agentToken,
        'POST',
        '/api/agent/register',
        { jobId: swarm.id, node: 'sim1', gpu, slurmJobId: 0 },
      );
      expect(r.data, gpu).toHaveProperty('agentId');
    }
  });
});
