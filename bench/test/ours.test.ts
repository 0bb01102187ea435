import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/api/types.js';
import { accountTasks, blenderStart, parseAgentLog } from '../ours.js';
import { formatSchedulingOverhead, percentile } from '../report.js';

const task = (over: Partial<TaskView>): TaskView => ({
  id: 1,
  name: 'frame 1',
  stage: 'render',
  state: 'done',
  frames: [1],
  attempts: 0,
  tries: 0,
  agentId: 'a',
  node: 'node1',
  gpu: '0',
  startedAt: 0,
  finishedAt: 1000,
  frameSeconds: { '1': 0.9 },
  files: [],
  error: null,
  errorTail: [],
  ...over,
});

describe('ours: where the time went', () => {
  it('reads the first lease and the Blender start from an agent log', () => {
    const log = [
      '2026-01-01T00:00:00.000Z registered as j1.node1.gpu0.1',
      '2026-01-01T00:00:00.100Z leased task 3 (blender-render frames 1)',
      '2026-01-01T00:00:00.200Z blender: Read blend: /tmp/x.blend',
      '2026-01-01T00:00:02.600Z blender ready: pid 42, device "CPU"',
      '2026-01-01T00:00:03.000Z leased task 4 (blender-render frames 2)',
      '2026-01-01T00:00:09.000Z blender ready: pid 43, device "CPU"',
    ].join('\n');
    const t = parseAgentLog('agent-node1-0.log', log);
    expect(t.startedAt).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
    expect(t.firstLeaseAt).toBe(Date.parse('2026-01-01T00:00:00.100Z'));
    expect(((t.blenderReadyAt ?? 0) - (t.firstLeaseAt ?? 0)) / 1000).toBeCloseTo(2.5);
  });

  it('counts as waited only the part of a warmed-up Blender start after the first lease', () => {
    const log = [
      '2026-01-01T00:00:00.000Z registered as j1.node1.gpu0.1',
      '2026-01-01T00:00:00.010Z warming up blender-render',
      '2026-01-01T00:00:00.050Z leased task 3 (blender-render frames 1)',
      '2026-01-01T00:00:01.010Z blender ready: pid 42, device "CPU"',
    ].join('\n');
    const start = blenderStart(parseAgentLog('agent-node1-0.log', log));
    expect(start?.own).toBeCloseTo(1.0);
    expect(start?.waited).toBeCloseTo(0.96);
    const early = blenderStart(
      parseAgentLog('a.log', log.replace('00:00:00.050Z leased', '00:00:01.500Z leased')),
    );
    expect(early?.waited).toBe(0);
  });

  it('counts per-frame overhead beyond render time, without the one-time Blender starts', () => {
    const tasks = [
      // first task of an agent: 2.5 s Blender start + 1 s frame + 0.05 s overhead
      task({ id: 1, startedAt: 0, finishedAt: 3550, frameSeconds: { '1': 1 } }),
      task({ id: 2, startedAt: 4000, finishedAt: 5050, frameSeconds: { '2': 1 } }),
      task({ id: 3, state: 'leased', startedAt: 6000, finishedAt: null, frameSeconds: {} }),
    ];
    const acc = accountTasks(tasks, [2.5]);
    expect(acc.frames).toBe(2);
    expect(acc.renderSeconds).toBeCloseTo(2);
    expect(acc.longestFrameSeconds).toBe(1);
    expect(acc.overheadFraction).toBeCloseTo(0.05);
  });
});

describe('scheduling-overhead report', () => {
  it('takes nearest-rank percentiles', () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 95)).toBe(95);
    expect(percentile([], 50)).toBeNaN();
  });

  it('judges the default durability against the targets and shows FULL for information', () => {
    const text = formatSchedulingOverhead([
      {
        synchronous: 'NORMAL',
        tasks: 5000,
        agents: 16,
        seconds: 2,
        tasksPerSecond: 2500,
        latencyMs: [1, 2, 3],
      },
      {
        synchronous: 'FULL',
        tasks: 5000,
        agents: 16,
        seconds: 10,
        tasksPerSecond: 500,
        latencyMs: [4, 5, 6],
      },
    ]);
    const row = (s: string): string => text.split('\n').find((l) => l.includes(s)) ?? '';
    expect(row('NORMAL')).toMatch(/2500 +PASS +2\.00 ms +3\.00 ms +PASS/);
    expect(row('synchronous=FULL')).toMatch(/500 +\(info\)/);
    expect(
      formatSchedulingOverhead([
        {
          ...{ synchronous: 'NORMAL' as const, tasks: 1, agents: 1, seconds: 1 },
          tasksPerSecond: 1500,
          latencyMs: [25],
        },
      ]),
    ).toMatch(/1500 +MISS +25\.00 ms .*MISS/);
  });
});
