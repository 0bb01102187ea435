import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readAddress } from '../../src/coordinator/state-dir.js';
import { isAlive } from '../../src/local/procs.js';
import { spawnDetached } from '../../src/process/run.js';

const BIN = fileURLToPath(new URL('../../bin/cluster-tool.js', import.meta.url));
const root = mkdtempSync(path.join(os.tmpdir(), 'ct-coord-start-'));
let pid = 0;

afterAll(async () => {
  if (pid && isAlive(pid)) process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && pid && isAlive(pid); i++) await sleep(100);
  rmSync(root, { recursive: true, force: true });
});

describe('coordinator start', () => {
  it("listening on 0.0.0.0 (as the head node's unit does), advertises this host's own address", async () => {
    const own = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a?.address);
    if (own.length === 0) return; // a machine with loopback only has nothing else to advertise
    const stateDir = path.join(root, 'state');
    pid = spawnDetached(
      process.execPath,
      [
        BIN,
        'coordinator',
        'start',
        '--listen',
        '0.0.0.0:0',
        '--state-dir',
        stateDir,
        '--slurm-conf',
        inject('slurmConf'),
      ],
      { logFile: path.join(root, 'coordinator.log'), env: { ...process.env } },
    );
    let url: string | undefined;
    for (let i = 0; i < 150 && !url; i++) {
      url = readAddress(stateDir)?.url;
      if (!url) await sleep(100);
    }
    expect(url).toBeDefined();
    const host = new URL(url ?? 'http://x').hostname;
    expect(host).not.toBe('127.0.0.1');
    expect(own).toContain(host);
  });
});
