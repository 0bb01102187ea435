import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  gpuCount,
  parseScontrolRecords,
  parseSinfoJson,
  parseSqueueJson,
  slurmNumber,
} from '../../src/slurm/json.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/slurm/${name}`, import.meta.url), 'utf8');

describe('squeue --json', () => {
  it('reads Slurm 22.05 output captured on the local cluster', () => {
    const jobs = parseSqueueJson(fixture('squeue-22.05.json'));
    const running = jobs.find((j) => j.jobId === 2);
    expect(running).toMatchObject({
      state: 'RUNNING',
      nodeList: 'node[1,4]',
      nodes: ['node1', 'node4'],
      nodeCount: 2,
      batchHost: 'node1',
      timeLimitMinutes: 5,
    });
    expect(jobs.find((j) => j.jobId === 1)?.state).toBe('COMPLETED');
  });

  it('reads the newer format where numbers are objects and states are arrays', () => {
    const [running, pending] = parseSqueueJson(fixture('squeue-24.11.json'));
    expect(running).toMatchObject({
      jobId: 525,
      state: 'RUNNING',
      nodeCount: 2,
      nodes: ['gpu-st-p38xlarge-1', 'gpu-st-p38xlarge-2'],
      timeLimitMinutes: 60,
      startTime: 1755290346,
      comment: 'cluster-tool job=j-7',
    });
    expect(pending).toMatchObject({
      jobId: 526,
      state: 'PENDING',
      reason: 'NodeDown',
      nodes: [],
      timeLimitMinutes: undefined,
      startTime: undefined,
    });
  });

  it('reads Slurm 24.11 output captured on the local cluster, finished jobs included', () => {
    const jobs = parseSqueueJson(fixture('squeue-24.11-local.json'));
    expect(jobs.map((j) => [j.jobId, j.state])).toEqual([
      [1, 'COMPLETED'],
      [2, 'RUNNING'],
      [3, 'PENDING'],
    ]);
    expect(jobs[1]).toMatchObject({
      nodeList: 'node[1,4]',
      nodes: ['node1', 'node4'],
      nodeCount: 2,
      batchHost: 'node1',
      timeLimitMinutes: 5,
      comment: 'cluster-tool job=j-1',
      partition: 'gpu',
    });
    expect(jobs[1]?.startTime).toBeGreaterThan(0);
    expect(jobs[2]).toMatchObject({ nodes: [], nodeCount: 4, reason: 'Resources' });
  });

  it('says what went wrong when the output is not JSON', () => {
    expect(() => parseSqueueJson('squeue: error: Invalid user')).toThrow(/did not print JSON/);
  });
});

describe('sinfo --json', () => {
  it('reads Slurm 22.05 nodes with GPU totals and use', () => {
    const nodes = parseSinfoJson(fixture('sinfo-22.05.json'));
    expect(nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node3', 'node4']);
    expect(nodes[0]).toMatchObject({
      state: 'allocated',
      gpus: 4,
      gpusUsed: 4,
      cpus: 4,
      partitions: ['gpu'],
    });
    expect(nodes[1]).toMatchObject({ state: 'idle', gpus: 4, gpusUsed: 0 });
  });

  it('reads the newer per-partition entries once per node, with flags', () => {
    const nodes = parseSinfoJson(fixture('sinfo-24.11.json'));
    expect(nodes).toHaveLength(2);
    expect(nodes.find((n) => n.name === 'gpu-st-p38xlarge-1')).toMatchObject({
      state: 'allocated',
      gpus: 4,
      gpusUsed: 4,
      partitions: ['gpu', 'debug'],
    });
    expect(nodes.find((n) => n.name === 'gpu-dy-p38xlarge-2')).toMatchObject({
      state: 'idle',
      flags: ['POWERED_DOWN'],
      gpusUsed: 0,
    });
  });
});

describe('sinfo --json of Slurm 24.11, captured on the local cluster', () => {
  it('splits an entry for several like nodes into nodes with their own CPU counts', () => {
    const nodes = parseSinfoJson(fixture('sinfo-24.11-local.json'));
    expect(nodes.map((n) => n.name)).toEqual(['node1', 'node2', 'node3', 'node4']);
    for (const name of ['node1', 'node4'])
      expect(nodes.find((n) => n.name === name)).toMatchObject({
        state: 'mixed',
        flags: [],
        cpus: 4,
        allocCpus: 1,
        gpus: 4,
        gpusUsed: 4,
        partitions: ['gpu'],
      });
    expect(nodes.find((n) => n.name === 'node2')).toMatchObject({
      state: 'idle',
      flags: ['DRAIN'],
      reason: 'fixture-drain',
      cpus: 4,
      gpusUsed: 0,
    });
    expect(nodes.find((n) => n.name === 'node3')).toMatchObject({ state: 'idle', flags: [] });
  });
});

describe('small parsers', () => {
  it('unwraps numbers in both shapes', () => {
    expect(slurmNumber(4)).toBe(4);
    expect(slurmNumber({ set: true, infinite: false, number: 4 })).toBe(4);
    expect(slurmNumber({ set: false, infinite: false, number: 0 })).toBeUndefined();
    expect(slurmNumber({ set: true, infinite: true, number: 0 })).toBeUndefined();
  });

  it('counts GPUs in GRES strings', () => {
    expect(gpuCount('gpu:4')).toBe(4);
    expect(gpuCount('gpu:4(IDX:0-3)')).toBe(4);
    expect(gpuCount('tmpsize:7T,gpu:l40s:4(S:0-1)')).toBe(4);
    expect(gpuCount('')).toBe(0);
  });

  it('reads scontrol records whose values hold spaces', () => {
    const [job] = parseScontrolRecords(fixture('scontrol-show-job-22.05.txt').split('\n')[1] ?? '');
    expect(job).toMatchObject({
      JobId: '2',
      JobName: 'wrap',
      JobState: 'RUNNING',
      NodeList: 'node[1,4]',
      NumNodes: '2',
    });
    const shrunk = parseScontrolRecords(fixture('scontrol-show-job-24.11.txt'))[1];
    expect(shrunk).toMatchObject({
      JobId: '2',
      JobState: 'RUNNING',
      NodeList: 'node[1,4]',
      NumNodes: '2',
      BatchHost: 'node1',
    });
    expect(parseScontrolRecords('JobId=3 Comment=two words here JobState=PENDING')[0]).toEqual({
      JobId: '3',
      Comment: 'two words here',
      JobState: 'PENDING',
    });
  });
});
