import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { isJobActive, SlurmClient } from '../../src/slurm/client.js';
import { SlurmCommandError } from '../../src/slurm/errors.js';

const client = new SlurmClient({ slurmConf: inject('slurmConf') });
const submitted: number[] = [];

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

afterAll(async () => {
  await client.scancel(submitted).catch(() => {});
  await until('the queue to empty', async () =>
    (await client.squeue({ jobIds: submitted })).some(isJobActive) ? undefined : true,
  );
});

describe('Slurm client on the local cluster', () => {
  it('runs one task per GPU on 4 nodes, lists, shrinks and cancels the job', async () => {
    const dir = mkdtempSync('/tmp/ct-client-');
    const out = path.join(dir, 'tasks.out');
    const script = [
      '#!/bin/bash',
      `srun --ntasks-per-node=4 --gpus-per-task=1 bash -c 'echo "$SLURMD_NODENAME $CUDA_VISIBLE_DEVICES"' > ${out}`,
      'sleep 300',
    ].join('\n');
    const jobId = await client.sbatch({
      script,
      args: [
        '--nodes=4',
        '--exclusive',
        '--gres=gpu:4',
        '--time=10',
        '--job-name=ct-client-test',
        `--output=${path.join(dir, 'job.out')}`,
      ],
    });
    submitted.push(jobId);

    const lines = await until('16 task lines', () => {
      const text = existsSync(out) ? readFileSync(out, 'utf8').trim() : '';
      const l = text ? text.split('\n') : [];
      return Promise.resolve(l.length === 16 ? l : undefined);
    });
    const pairs = new Set(lines);
    expect(pairs.size).toBe(16);
    for (const node of ['node1', 'node2', 'node3', 'node4']) {
      expect(
        lines
          .filter((l) => l.startsWith(`${node} `))
          .map((l) => l.split(' ')[1])
          .sort(),
      ).toEqual(['0', '1', '2', '3']);
    }

    const [job] = await client.squeue({ jobIds: [jobId] });
    expect(job).toMatchObject({
      jobId,
      name: 'ct-client-test',
      state: 'RUNNING',
      nodes: ['node1', 'node2', 'node3', 'node4'],
    });
    expect((await client.showJob(jobId))?.NumNodes).toBe('4');

    await client.updateJob(jobId, { nodeList: 'node[1-3]' });
    const shrunk = await client.squeue({ jobIds: [jobId] });
    expect(shrunk[0]?.nodes).toEqual(['node1', 'node2', 'node3']);
    const started = Date.now();
    await until(
      'node4 to be idle',
      async () =>
        (await client.nodes()).find((n) => n.name === 'node4')?.state === 'idle' ? true : undefined,
      5_000,
    );
    expect(Date.now() - started).toBeLessThan(5_000);

    await client.scancel([jobId]);
    await until('the job to leave the queue', async () => {
      const left = await client.squeue({ jobIds: [jobId] });
      return left.some(isJobActive) ? undefined : true;
    });
    await until('every node idle', async () =>
      (await client.nodes()).every((n) => n.state === 'idle') ? true : undefined,
    );
  });

  it('raises a typed error with the command a user could paste', async () => {
    const err = await client.updateJob(999999, { numNodes: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SlurmCommandError);
    const e = err as SlurmCommandError;
    expect(e.command).toContain('scontrol update JobId=999999 NumNodes=1');
    expect(e.command).toContain(`SLURM_CONF=${inject('slurmConf')}`);
    expect(e.code).not.toBe(0);
    expect(e.stderr).toMatch(/invalid job id/i);
  });

  it('allocates nodes without a shell and finds the job again by id', async () => {
    const jobId = await client.sallocNoShell([
      '--nodes=1',
      '--time=5',
      '--job-name=ct-salloc-test',
    ]);
    submitted.push(jobId);
    const [job] = await client.squeue({ jobIds: [jobId] });
    expect(job?.state).toBe('RUNNING');
    await client.scancel([jobId]);
  });
});
