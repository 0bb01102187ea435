import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SubmitRequest } from '../../../src/api/types.js';
import { SlurmAllocator } from '../../../src/coordinator/allocations/slurm-allocator.js';
import { openjdJob } from '../../../src/coordinator/jobs/openjd.js';
import { openjdPayload } from '../../../src/coordinator/jobs/openjd-payload.js';
import { planJob } from '../../../src/coordinator/jobs/registry.js';
import { submitted } from '../../../src/coordinator/planning.js';
import type { JobRow } from '../../../src/coordinator/store/types.js';
import { loadTemplate } from '../../../src/openjd/index.js';
import { SlurmClient } from '../../../src/slurm/client.js';
import { nodeFiles } from '../../../src/util/node-files.js';
import { minimalTemplate } from '../../openjd/fixtures.js';

const limits = { partitionNodes: 4, maxGpusPerNode: 4 };
const root = mkdtempSync(path.join(tmpdir(), 'ojd-plan-'));
const dirs = {
  id: 'j1',
  dir: path.join(root, 'state', 'jobs', 'j1'),
  outputDir: path.join(root, 'state', 'jobs', 'j1', 'output'),
};
const TILES = path.resolve('examples/openjd/tiles');

const request = (template: unknown, parameters: Record<string, unknown> = {}, extra = {}) =>
  ({
    kind: 'openjd',
    nodes: 1,
    template,
    templatePath: 'template.yaml',
    bundleDir: root,
    parameters,
    ...extra,
  }) as SubmitRequest;
/** As a submission is planned: its shape read, then planned. */
const plan = (req: SubmitRequest) => planJob(submitted(req), { limits, dirs, files: nodeFiles });

/** A job row as the store would hand it back after the plan. */
function jobOf(p: ReturnType<typeof plan>): JobRow {
  return {
    id: 'j1',
    seq: 1,
    kind: 'openjd',
    name: p.name,
    state: 'running',
    spec: p.request,
    dir: dirs.dir,
    outputDir: dirs.outputDir,
    agentToken: 'x',
    nodesWanted: p.nodes,
    gpusPerNode: p.gpusPerNode,
    auto: null,
    priority: 50,
    owner: null,
    video: null,
    error: null,
    createdAt: 0,
    finishedAt: null,
  };
}

describe('the OpenJD job type', () => {
  it('makes each step a stage in dependency order, the first ready, with a task per element of its parameter space', () => {
    const p = plan(request(minimalTemplate(), { Frames: '1-3' }));
    expect(p.stages).toEqual([
      { name: 'Render', seq: 0, state: 'ready' },
      { name: 'Encode', seq: 1, state: 'waiting' },
    ]);
    expect(p.tasks.map((t) => [t.stage, t.seq, t.payload.label])).toEqual([
      ['Render', 0, 'Render[Frame=1]'],
      ['Render', 1, 'Render[Frame=2]'],
      ['Render', 2, 'Render[Frame=3]'],
      ['Encode', 0, 'Encode'],
    ]);
    for (const t of p.tasks) expect(openjdPayload.safeParse(t.payload).success).toBe(true);
    expect(p.name).toBe('Test sh010');
    expect(p.request).not.toHaveProperty('template');
    expect(p.summary).toBe('2 step(s), 4 task(s) on 1 node(s)');
  });

  it('makes a manifest step’s tasks when its stage becomes ready, from what the step before wrote', () => {
    const work = path.join(root, 'work');
    mkdirSync(path.join(work, 'tiles'), { recursive: true });
    const loaded = loadTemplate(TILES);
    const p = plan(
      request(loaded.template, { WorkDir: work, ScriptDir: '/opt/scripts' }, { bundleDir: TILES }),
    );
    expect(p.tasks.map((t) => t.stage)).toEqual(['Generate', 'MergeImage']);
    expect(p.summary).toMatch(/tasks of Process, MergeRows from manifests/);
    const job = jobOf(p);
    const stage = { jobId: 'j1', name: 'Process', seq: 1, state: 'waiting' as const };
    expect(() => openjdJob.onStageReady?.(job, stage, nodeFiles)).toThrow(
      /step Process:[\s\S]*gave no values/,
    );
    for (const f of ['tile_0_0.npy', 'tile_0_1.npy', '.partial-9.npy'])
      writeFileSync(path.join(work, 'tiles', f), '');
    const tasks = openjdJob.onStageReady?.(job, stage, nodeFiles) ?? [];
    expect(tasks.map((t) => t.payload.label)).toEqual([
      `Process[Tile=${path.join(work, 'tiles', 'tile_0_0.npy')}]`,
      `Process[Tile=${path.join(work, 'tiles', 'tile_0_1.npy')}]`,
    ]);
    expect(tasks.every((t) => openjdPayload.safeParse(t.payload).success)).toBe(true);
    expect(
      openjdJob.onStageReady?.(job, { ...stage, name: 'MergeImage', seq: 3 }, nodeFiles),
    ).toEqual([]);
  });

  it('reads manifests only inside the job directory and the directories the job writes', () => {
    const loaded = loadTemplate(TILES);
    // WorkDir holding the coordinator's state directory is not a place to read manifests from
    const p = plan(request(loaded.template, { WorkDir: root }, { bundleDir: TILES }));
    mkdirSync(path.join(root, 'tiles'), { recursive: true });
    writeFileSync(path.join(root, 'tiles', 'tile_0_0.npy'), '');
    const stage = { jobId: 'j1', name: 'Process', seq: 1, state: 'waiting' as const };
    expect(() => openjdJob.onStageReady?.(jobOf(p), stage, nodeFiles)).toThrow(
      /outside the job's directories/,
    );
  });

  it('refuses a bad template with every problem and its JSON path, and bad parameter values by name', () => {
    const doc = minimalTemplate() as { steps: { dependencies?: unknown }[] };
    doc.steps[0]!.dependencies = [{ dependsOn: 'Nowhere' }];
    expect(() => plan(request(doc))).toThrow(
      /template\.yaml cannot be submitted:\n {2}error: steps\[0\]\.dependencies\[0\]\.dependsOn: /,
    );
    expect(() => plan(request(minimalTemplate(), { Frames: '5-1:0' }))).toThrow(
      /error: steps\[0\]\.parameterSpace/,
    );
    expect(() => plan(request(minimalTemplate(), { Nope: 1 }))).toThrow(
      /error: Nope: is not a parameter of this template/,
    );
    expect(() => plan(request(undefined))).toThrow(/template: give the job template/);
  });

  it('keeps parameter values with shell metacharacters literal in the task parameters', () => {
    const hostile = '$(touch /tmp/ct-pwned); `id` | cat *';
    const p = plan(request(minimalTemplate(), { Shot: hostile, Out: '/tmp/a b;c' }));
    expect(p.name).toBe(`Test ${hostile}`);
    const payload = openjdPayload.parse(p.tasks[0]?.payload);
    expect(payload.jobParameters.Out).toEqual({ type: 'PATH', value: '/tmp/a b;c' });
  });

  it('asks Slurm for the largest host requirements per node and refuses what Slurm cannot be asked', () => {
    const doc = minimalTemplate() as { steps: Record<string, unknown>[] };
    doc.steps[0]!.hostRequirements = {
      amounts: [
        { name: 'amount.worker.memory', min: 200 },
        { name: 'amount.worker.vcpu', min: 1 },
        { name: 'amount.worker.gpu', min: 1 },
      ],
      attributes: [{ name: 'attr.worker.os.family', anyOf: ['linux'] }],
    };
    doc.steps[1]!.hostRequirements = { amounts: [{ name: 'amount.worker.memory', min: 100 }] };
    const p = plan(request(doc, {}, { gpusPerNode: 2 }));
    expect(openjdJob.nodeResources?.(jobOf(p))).toEqual({ cpus: 2, memoryMiB: 400, tmpMiB: 0 });
    const allocator = new SlurmAllocator({
      client: new SlurmClient(),
      instance: 'test',
      coordinatorUrl: 'http://127.0.0.1:1',
      agentCommand: ['node', 'agent.js'],
    });
    const { args } = allocator.plan(jobOf(p), { nodes: 1, role: 'primary' });
    expect(args).toEqual(expect.arrayContaining(['--gres=gpu:2', '--mincpus=2', '--mem=400M']));
    expect(args.some((a) => a.startsWith('--tmp'))).toBe(false);
    doc.steps[1]!.hostRequirements = {
      amounts: [
        { name: 'amount.worker.gpu', min: 2 },
        { name: 'amount.worker.gpu.memory', min: 8192 },
        { name: 'amount.worker.memory', max: 100 },
        { name: 'acme:amount.license', min: 1 },
      ],
      attributes: [{ name: 'attr.worker.os.family', anyOf: ['windows'] }],
    };
    const err = (() => {
      try {
        plan(request(doc));
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toMatch(/steps\[1\]\.hostRequirements\.amounts\[0\]: asks for 2 GPUs per task/);
    expect(err).toMatch(/amounts\[1\]: Slurm here does not know how much memory a GPU has/);
    expect(err).toMatch(/amounts\[2\]: a maximum cannot be asked of Slurm/);
    expect(err).toMatch(/attributes\[0\]\.anyOf: asks for windows; the nodes here are linux/);
    // a custom capability is no refusal: every node is taken to have it, with a warning
    expect(err).not.toMatch(/acme:amount.license/);
    doc.steps[1]!.hostRequirements = { amounts: [{ name: 'acme:amount.license', min: 1 }] };
    expect(plan(request(doc)).warnings).toContainEqual(
      expect.stringMatching(
        /amounts\[0\]\.name: acme:amount\.license is a custom capability Slurm here knows nothing of/,
      ),
    );
  });

  it('warns that steps which do not depend on each other still run one after another', () => {
    const doc = minimalTemplate() as { steps: Record<string, unknown>[] };
    delete doc.steps[1]!.dependencies;
    expect(plan(request(doc)).warnings).toContainEqual(
      expect.stringMatching(/Render and Encode do not depend on each other/),
    );
  });
});
