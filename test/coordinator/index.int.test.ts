import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail } from '../../src/api/types.js';
import { localDown, localUp } from '../../src/local/cluster.js';
import { resolveOptions } from '../../src/local/options.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { CoordinatorProcess } from '../helpers/coordinator.js';

// Six nodes, so a 4-node session can grow by 2: a cluster of its own, beside the shared one.
const root = mkdtempSync('/tmp/ct-index-');
const clusterDir = path.join(root, 'cluster');
const doubles = fileURLToPath(new URL('../doubles/nvindex', import.meta.url));
const launches = path.join(root, 'nvindex-calls.log');
const indexDir = path.join(root, 'index-demo');
const scene = path.join(root, 'scene dir', 'sample.prj');
let slurm: SlurmClient;
let coord: CoordinatorProcess;

beforeAll(async () => {
  const o = resolveOptions({
    dir: clusterDir,
    nodes: 6,
    gpusPerNode: 1,
    portBase: inject('clusterPortBase') + 400,
  });
  const up = await localUp(o, { timeoutMs: 90_000 });
  slurm = up.cluster.client();
  mkdirSync(indexDir);
  // The IndeX demo directory ships nvindex-viewer.sh; the launcher test double only checks it is executable.
  writeFileSync(path.join(indexDir, 'nvindex-viewer.sh'), '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(indexDir, 'nvindex-viewer.sh'), 0o755);
  mkdirSync(path.dirname(scene));
  copyFileSync(fileURLToPath(new URL('../../scenes/index/sample.prj', import.meta.url)), scene);
  coord = new CoordinatorProcess(path.join(root, 'state'), up.cluster.layout.slurmConf, [], {
    PATH: `${doubles}:${process.env.PATH ?? ''}`,
    NVINDEX_DOUBLE_LOG: launches,
  });
  await coord.start();
});

afterAll(async () => {
  await coord?.stop();
  await localDown(clusterDir);
  rmSync(root, { recursive: true, force: true });
});

/** The launcher double's log: one line per process it was started as. */
function calls(): { node: string; job: string; mode: string; args: string }[] {
  if (!existsSync(launches)) return [];
  return readFileSync(launches, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const m = /^node=(\S+) job=(\S+) procid=\S+ mode=(\S+) args=(.*)$/.exec(l);
      return { node: m?.[1] ?? '', job: m?.[2] ?? '', mode: m?.[3] ?? '', args: m?.[4] ?? '' };
    });
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('NVIDIA IndeX sessions (against the nvindex-slurm test double)', () => {
  it('refuses a scene that does not exist and starts nothing', async () => {
    const err = await coord
      .api('POST', '/api/jobs', {
        kind: 'index',
        scene: path.join(root, 'missing.prj'),
        indexDir,
        nodes: 4,
      })
      .catch((e: Error) => e.message);
    expect(err).toMatch(/missing\.prj does not exist/);
    expect(await coord.api<unknown[]>('GET', '/api/jobs')).toHaveLength(0);
  });

  it('starts on 4 nodes, shows the viewer address, grows by 2 with -a<first job>, and shrinks by 3 keeping the head', async () => {
    const job = await coord.api<JobDetail>('POST', '/api/jobs', {
      kind: 'index',
      scene,
      indexDir,
      nodes: 4,
    });
    const ready = await coord.waitFor(job.id, (j) => Boolean(j.serviceUrl), 60_000);
    expect(ready.serviceUrl).toBe('http://127.0.0.1:8080');
    const primary = ready.allocations.find((a) => a.role === 'primary');
    const session = await until('4 session processes', () => {
      const c = calls().filter((x) => x.mode === 'session');
      return c.length === 4 ? c : undefined;
    });
    expect(new Set(session.map((c) => c.node))).toEqual(
      new Set(['node1', 'node2', 'node3', 'node4']),
    );
    for (const c of session) {
      expect(c.job).toBe(String(primary?.slurmJobId));
      expect(c.args).toContain(`-v ./nvindex-viewer.sh --add ${scene.replace(' ', '\\ ')}`);
    }

    await coord.api('POST', `/api/jobs/${job.id}/scale`, { add: 2 });
    const joined = await until('2 joining processes', () => {
      const c = calls().filter((x) => x.mode === 'attach');
      return c.length === 2 ? c : undefined;
    });
    expect(new Set(joined.map((c) => c.node))).toEqual(new Set(['node5', 'node6']));
    for (const c of joined)
      expect(c.args.trim()).toBe(`-a${primary?.slurmJobId} ./nvindex-viewer.sh`);
    const grown = await coord.waitFor(
      job.id,
      (j) =>
        j.allocations.filter((a) => a.state === 'running').flatMap((a) => a.nodes).length === 6,
    );
    const head = (await slurm.squeue({ jobIds: [primary?.slurmJobId ?? 0] }))[0]?.batchHost;
    expect(head).toBe('node1');

    const shrunk = await coord.api<JobDetail>('POST', `/api/jobs/${job.id}/scale`, { remove: 3 });
    const held = shrunk.allocations.filter((a) => a.state === 'running').flatMap((a) => a.nodes);
    expect(held).toHaveLength(3);
    expect(held).toContain('node1');
    const released = grown.allocations.flatMap((a) => a.nodes).filter((n) => !held.includes(n));
    await until(
      'the released nodes idle',
      async () => {
        const nodes = await slurm.nodes();
        return released.every((n) => nodes.find((x) => x.name === n)?.state === 'idle')
          ? true
          : undefined;
      },
      10_000,
    );

    const detail = await coord.api<JobDetail>('GET', `/api/jobs/${job.id}`);
    expect(detail.state).toBe('running');
    expect(detail.serviceUrl).toBe('http://127.0.0.1:8080');
    await coord.api('POST', `/api/jobs/${job.id}/cancel`);
    await until(
      'the session to end',
      async () => ((await slurm.squeue()).some((j) => j.state === 'RUNNING') ? undefined : true),
      30_000,
    );
  });
});
