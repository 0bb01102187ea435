import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startCoordinator } from '../../src/coordinator/service.js';

/** Opens an event stream and resolves once the coordinator has answered it. */
function openStream(url: string, token: string): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/events`,
      { headers: { authorization: `Bearer ${token}` } },
      (res) => {
        res.once('data', () => resolve(() => req.destroy()));
        res.on('error', () => {});
      },
    );
    req.on('error', () => {});
    req.once('error', reject);
    req.end();
  });
}

describe('stopping the coordinator', () => {
  it('ends within a few seconds while viewers hold event streams open', async () => {
    // No Slurm here: an squeue that reports no jobs answers the start-up reconcile at once.
    const PATH = process.env.PATH;
    process.env.PATH = `${path.resolve('test/doubles/slurm-idle')}:${PATH ?? ''}`;
    onTestFinished(() => {
      process.env.PATH = PATH;
    });
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ct-stop-'));
    const running = await startCoordinator({
      stateDir,
      port: 0,
      slurmConf: path.join(stateDir, 'no-slurm.conf'),
    });
    const streams = await Promise.all([1, 2].map(() => openStream(running.url, running.token)));
    const began = Date.now();
    await running.close();
    expect(Date.now() - began).toBeLessThan(5_000);
    for (const s of streams) s();
  });
});
