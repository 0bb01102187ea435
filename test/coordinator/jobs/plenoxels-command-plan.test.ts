import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planJob as planWith } from '../../../src/coordinator/jobs/registry.js';
import { submitted } from '../../../src/coordinator/planning.js';
import { nodeFiles } from '../../../src/util/node-files.js';

const limits = { partitionNodes: 4, maxGpusPerNode: 4 };
const root = mkdtempSync(path.join(tmpdir(), 'plan-'));
mkdirSync(path.join(root, 'data', 'lego'), { recursive: true });
const dirs = { id: 'j1', dir: path.join(root, 'j1'), outputDir: path.join(root, 'j1', 'output') };
/** As a submission is planned: its shape read, then planned. */
const planJob = (body: Record<string, unknown>, l: typeof limits, d: typeof dirs) =>
  planWith(submitted(body), { limits: l, dirs: d, files: nodeFiles });
const SVOX2 = path.resolve('test/doubles/svox2');
const file = (body: object) =>
  JSON.stringify({
    data_root: path.join(root, 'data'),
    train_root: path.join(root, 'ckpt'),
    ...body,
  });
const plenoxels = (extra: Record<string, unknown>) =>
  planJob({ kind: 'plenoxels', nodes: 1, svox2: SVOX2, ...extra }, limits, dirs);

describe('the Plenoxels and command planners', () => {
  it('plans one main-stage task per expanded task, carrying its steps, svox2 dir and python', () => {
    const plan = plenoxels({
      taskFile: file({
        variables: { lr: [1, 2] },
        tasks: [{ train_dir: 'lr{lr}', data_dir: 'lego' }],
      }),
    });
    expect(plan.stages).toEqual([{ name: 'main', seq: 0, state: 'ready' }]);
    expect(plan.tasks.map((t) => [t.kind, t.stage, (t.payload.task as { id: string }).id])).toEqual(
      [
        ['plenoxels', 'main', 'lr1'],
        ['plenoxels', 'main', 'lr2'],
      ],
    );
    expect(plan.tasks[0]?.payload).toMatchObject({ svox2Dir: SVOX2, python: 'python3' });
    expect(plan.request).not.toHaveProperty('taskFile');
    expect(plan.warnings?.[0]).toMatch(/task lr1: .*16 GB.*\(1 more task\(s\) likewise\)/);
  });

  it('refuses bad Plenoxels requests with UsageErrors', () => {
    const ok = { tasks: [{ train_dir: 'a', data_dir: 'lego' }] };
    expect(() => plenoxels({ taskFile: '{not json' })).toThrow(/not JSON/);
    expect(() => plenoxels({ taskFile: file(ok), svox2: 'relative' })).toThrow(/absolute path/);
    expect(() => plenoxels({ taskFile: file(ok), svox2: root })).toThrow(/no opt\.py/);
    expect(() => plenoxels({ taskFilePath: '/nonexistent/tasks.json' })).toThrow(/does not exist/);
    expect(() => plenoxels({ taskFile: file(ok), nodes: 5 })).toThrow(/more than the 4 node/);
    expect(() => plenoxels({ taskFile: file(ok), gpuMemoryGiB: -1 })).toThrow(/gpuMemoryGiB/);
  });

  it('plans command tasks with literal argv and the job output dir as cwd', () => {
    const plan = planJob(
      {
        kind: 'command',
        nodes: 1,
        tasks: '{"id":"a","x":"$(rm -rf /)"}\n',
        command: ['echo', '{x}'],
      },
      limits,
      dirs,
    );
    expect(plan.tasks).toEqual([
      {
        stage: 'main',
        seq: 0,
        kind: 'command',
        frames: [],
        payload: {
          id: 'a',
          line: 1,
          fields: { id: 'a', x: '$(rm -rf /)' },
          argv: ['echo', '$(rm -rf /)'],
          cwd: dirs.outputDir,
        },
      },
    ]);
    expect(() =>
      planJob({ kind: 'command', nodes: 1, tasks: '{"id":"a"}', command: 'echo hi' }, limits, dirs),
    ).toThrow(/command: must be a list of strings/);
  });
});
