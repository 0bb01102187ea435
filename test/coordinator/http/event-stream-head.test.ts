import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startCoordinator } from '../../../src/coordinator/service.js';

describe('an event stream asked for with HEAD', () => {
  it('answers with its headers and ends, like any other GET route', async () => {
    // No Slurm here: an squeue that reports no jobs answers the start-up reconcile at once.
    const PATH = process.env.PATH;
    process.env.PATH = `${path.resolve('test/doubles/slurm-idle')}:${PATH ?? ''}`;
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ct-head-'));
    const running = await startCoordinator({
      stateDir,
      port: 0,
      slurmConf: path.join(stateDir, 'no-slurm.conf'),
    });
    onTestFinished(async () => {
      process.env.PATH = PATH;
      await running.close();
    });
    const auth = { authorization: `Bearer ${running.token}` };
    // A job written straight into the store: submitting one would call Slurm.
    const id = 'j1';
    running.coordinator.store.insertJob(
      {
        id,
        seq: 1,
        kind: 'command',
        name: 'one command',
        state: 'running',
        spec: { kind: 'command', tasks: '' },
        dir: stateDir,
        outputDir: stateDir,
        agentToken: 'x'.repeat(48),
        nodesWanted: 1,
        gpusPerNode: 1,
        auto: null,
        priority: 50,
        owner: null,
        video: null,
        error: null,
        createdAt: Date.now(),
        finishedAt: null,
      },
      [{ name: 'run', seq: 0, state: 'ready' }],
      [],
    );
    const routes = ['/api/events', `/api/jobs/${id}/stream`];
    for (const route of routes) {
      const r = await fetch(`${running.url}${route}`, {
        method: 'HEAD',
        headers: auth,
        signal: AbortSignal.timeout(5_000),
      });
      expect(r.status, route).toBe(200);
      expect(r.headers.get('content-type'), route).toBe('text/event-stream');
    }
  });
});
