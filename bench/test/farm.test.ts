import { describe, expect, it } from 'vitest';
import {
  FARM_JOBS,
  freedNodeGaps,
  median,
  weightedMeanCompletion,
  type WorkSpan,
} from '../farm-plan.js';
import { farmLegResult, formatFarm, type FarmLegResult } from '../farm.js';
import { farmTasksText, workOf } from '../farm-ours.js';
import { parseFarmLog } from '../farm-slurm.js';
import { slurmTime } from '../slurm-ends.js';
import { parseCommandTasks } from '../../src/renderers/command/tasks-file.js';
import { parseBenchArgs } from '../main.js';

const span = (node: string, slurmJobId: number, startedAt: number, endedAt: number): WorkSpan => ({
  node,
  slurmJobId,
  startedAt,
  endedAt,
});

describe('farm bench arithmetic', () => {
  it('weights each completion by its priority', () => {
    expect(
      weightedMeanCompletion([
        { name: 'a', priority: 90, seconds: 10 },
        { name: 'b', priority: 30, seconds: 50 },
      ]),
    ).toBe((90 * 10 + 30 * 50) / 120);
    expect(weightedMeanCompletion([])).toBeNaN();
  });

  it('times a freed node to the next task there in another Slurm job', () => {
    const held = [
      { slurmJobId: 1, nodes: ['n1', 'n2'], endedAt: 10_000 },
      { slurmJobId: 2, nodes: ['n1'], endedAt: 20_000 },
      // Nothing ran on n1 after job 3: no gap.
      { slurmJobId: 3, nodes: ['n1'], endedAt: 40_000 },
    ];
    const work = [
      span('n1', 1, 1_000, 9_000),
      span('n2', 1, 1_000, 10_400), // ended after the whole-second EndTime: the node freed then
      span('n1', 2, 11_500, 19_000),
      span('n2', 4, 12_000, 30_000),
      span('n1', 3, 20_250, 39_000),
    ];
    const gaps = freedNodeGaps(held, work);
    expect(gaps.map((g) => [g.node, g.slurmJobId, g.freedAt, g.nextWorkAt, g.seconds])).toEqual([
      ['n1', 1, 10_000, 11_500, 1.5],
      ['n2', 1, 10_400, 12_000, 1.6],
      ['n1', 2, 20_000, 20_250, 0.25],
    ]);
  });

  it('adds up a leg: completions from the submission, makespan and gaps', () => {
    const jobs = [
      { name: 'x', priority: 90, nodes: 1, units: [1, 1] },
      { name: 'y', priority: 10, nodes: 1, units: [2] },
    ];
    const run = {
      submittedAt: 1_000,
      work: new Map([
        ['x', [span('n1', 7, 3_000, 4_000), span('n1', 7, 4_000, 5_000)]],
        ['y', [span('n1', 8, 8_000, 10_000)]],
      ]),
    };
    const r = farmLegResult(jobs, run, [{ slurmJobId: 7, nodes: ['n1'], endedAt: 6_000 }], 'leg');
    expect(r.completions.map((c) => c.seconds)).toEqual([4, 9]);
    expect(r.weightedMeanSeconds).toBeCloseTo((90 * 4 + 10 * 9) / 100);
    expect(r.makespanSeconds).toBe(9);
    expect(r.gaps.map((g) => g.seconds)).toEqual([2]);
    // 4 s of tasks on one node over a 9 s makespan.
    expect(r.busyShare).toBeCloseTo(4 / 9);
    expect(() => farmLegResult(jobs, { ...run, work: new Map() }, [], 'leg')).toThrow(
      /job x: 0 of 2 tasks ran/,
    );
  });

  it('takes the median of an odd and an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('reports the ratio and says when a goal is missed', () => {
    const leg = (mean: number, gap: number): FarmLegResult => ({
      completions: FARM_JOBS.map((j) => ({ name: j.name, priority: j.priority, seconds: mean })),
      weightedMeanSeconds: mean,
      makespanSeconds: mean,
      gaps: [{ node: 'n1', slurmJobId: 1, freedAt: 0, nextWorkAt: gap * 1000, seconds: gap }],
      busyShare: 0.75,
      work: [],
      held: [],
    });
    const text = formatFarm({
      unitSeconds: 1,
      jobs: FARM_JOBS,
      ours: leg(45, 2.5),
      slurm: leg(50, 0.5),
    });
    expect(text).toMatch(/ratio 0\.90 \(target ≤ 0\.8\) MISS/);
    expect(text).toMatch(/ours: median 2\.5 s, max 2\.5 s over 1 freed nodes/);
    expect(text).toMatch(/within 2 s: MISS/);
    expect(text).toMatch(/tasks ran 75% and 75% of the nodes' time/);
  });
});

describe('farm bench inputs and records', () => {
  it('is a section of its own, its task unit a flag', () => {
    expect(parseBenchArgs(['--only', 'farm', '--farm-unit', '2.5'])).toMatchObject({
      only: ['farm'],
      farmUnitSeconds: 2.5,
    });
    expect(parseBenchArgs([]).farmUnitSeconds).toBe(1);
    expect(() => parseBenchArgs(['--farm-unit', '0.1'])).toThrow(/--farm-unit must be/);
  });

  it('has twelve jobs, four at each of three priorities', () => {
    expect(FARM_JOBS).toHaveLength(12);
    const by = new Map<number, number>();
    for (const j of FARM_JOBS) by.set(j.priority, (by.get(j.priority) ?? 0) + 1);
    expect([...by.entries()].sort()).toEqual([
      [30, 4],
      [50, 4],
      [90, 4],
    ]);
  });

  it('writes a job as command tasks that sleep its units', () => {
    const tasks = parseCommandTasks(farmTasksText(FARM_JOBS[0]!, 0.5), {
      command: ['sleep', '{seconds}'],
    });
    expect(tasks.map((t) => t.argv)).toEqual(
      [4, 4, 1, 1, 1, 1].map((u) => ['sleep', String(u / 2)]),
    );
  });

  it("takes each done task's node and its agent's Slurm job", () => {
    const task = (id: number, agentId: string | null, state = 'done') =>
      ({ id, agentId, node: 'n1', startedAt: 1, finishedAt: 2, state }) as never;
    const spans = workOf({ agents: [{ id: 'ag1', slurmJobId: 12 }] as never }, [
      task(1, 'ag1'),
      task(2, 'gone'),
      task(3, 'ag1', 'failed'),
    ]);
    expect(spans).toEqual([span('n1', 12, 1, 2), span('n1', -1, 1, 2)]);
  });

  it("reads the plain Slurm jobs' logs, pairing each end with its node's start", () => {
    const log = [
      'start n1 5 1000',
      'start n2 5 1001',
      'end n2 5 2001',
      'end n1 5 3000',
      'start n1 5 3002',
      'garbage',
      'end n1 5 4002',
    ].join('\n');
    expect(parseFarmLog(log)).toEqual([
      span('n2', 5, 1001, 2001),
      span('n1', 5, 1000, 3000),
      span('n1', 5, 3002, 4002),
    ]);
  });

  it("reads Slurm's times as local time and refuses the rest", () => {
    expect(slurmTime('2026-12-06T16:10:05')).toBe(new Date(2026, 11, 6, 16, 10, 5).getTime());
    expect(slurmTime('Unknown')).toBeUndefined();
    expect(slurmTime(undefined)).toBeUndefined();
  });
});
