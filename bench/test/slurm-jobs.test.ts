import { describe, expect, it } from 'vitest';
import { waitNodesIdle } from '../slurm-jobs.js';
import type { SlurmClient } from '../../src/slurm/client.js';
import type { SlurmNode } from '../../src/slurm/json.js';

const node = (name: string, state: string, flags: string[] = []): SlurmNode => ({
  name,
  state,
  flags,
  partitions: ['gpu'],
  cpus: 1,
  allocCpus: 0,
  gpus: 1,
  gpusUsed: 0,
  reason: '',
});

/** sinfo as a sequence of answers, the last one repeated. */
function sinfoSaying(...answers: SlurmNode[][]): { client: SlurmClient; calls: () => number } {
  let calls = 0;
  const client = {
    nodes: () => Promise.resolve(answers[Math.min(calls++, answers.length - 1)] ?? []),
  } as unknown as SlurmClient;
  return { client, calls: () => calls };
}

describe('a bench leg waits for idle nodes', () => {
  it('waits while a node still completes the last leg, then goes on', async () => {
    const s = sinfoSaying(
      [node('node1', 'allocated'), node('node2', 'idle')],
      [node('node1', 'idle', ['COMPLETING']), node('node2', 'idle')],
      [node('node1', 'idle'), node('node2', 'idle')],
    );
    await waitNodesIdle(s.client, 'ours');
    expect(s.calls()).toBe(3);
  });

  it('names the nodes that never went idle', async () => {
    const s = sinfoSaying([node('node1', 'idle'), node('node2', 'mixed', ['COMPLETING'])]);
    await expect(waitNodesIdle(s.client, 'job array', 250)).rejects.toThrow(
      /node2 \(mixed\+COMPLETING\) not idle within 0.25 s/,
    );
  });
});
