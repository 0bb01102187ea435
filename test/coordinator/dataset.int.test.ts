import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, RequestOf } from '../../src/api/types.js';
import { blenderDatasetJob } from '../../src/coordinator/jobs/blender-dataset.js';
import { nodeFiles } from '../../src/util/node-files.js';
import type { TransformsFile } from '../../src/renderers/blender/dataset.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess } from '../helpers/coordinator.js';

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-dataset-');
let scene = '';
let coord: CoordinatorProcess;
const cli = (args: string[]) =>
  runCli([...args, '--state-dir', coord.stateDir], { timeoutMs: 600_000 });

beforeAll(async () => {
  scene = await ensureSampleScene(path.join(root, 'tiny.blend'), {
    frames: 4,
    width: 64,
    height: 36,
    cheapSamples: 1,
    expensiveSamples: 1,
  });
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

/** The scene camera's angle_x, read by a Blender of its own, not through the worker. */
function sceneCameraAngleX(file: string): number {
  const out = execFileSync(
    'blender',
    [
      '-b',
      '--factory-startup',
      file,
      '--python-expr',
      'import bpy; print("ANGLE_X=%r" % bpy.context.scene.camera.data.angle_x)',
    ],
    { encoding: 'utf8' },
  );
  const m = /ANGLE_X=([0-9.e-]+)/.exec(out);
  if (!m) throw new Error(`no angle in Blender's output: ${out}`);
  return Number(m[1]);
}

describe('blender-dataset jobs', () => {
  it('renders a NeRF-synthetic dataset whose transforms match the poses asked for and the camera Blender used', async () => {
    const args = ['submit', 'blender-dataset', scene, '--views', '4', '--radius', '12'];
    const preview = cli([...args, '--views-per-task', '2', '--dry-run']);
    expect(preview.stderr).toBe('');
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/6 view\(s\) \(train 4, val 1, test 1\) in 3 task\(s\)/);
    expect(preview.stdout).toMatch(/test\/r_0\.png\s+camera at/);

    const r = cli([...args, '--views-per-task', '2', '--nodes', '2', '--wait', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const job = JSON.parse(r.stdout) as JobDetail;
    expect(job.state).toBe('succeeded');
    expect(job.kind).toBe('blender-dataset');
    // Progress counts views, the dataset's unit: 6 views in 3 tasks.
    expect(job.progress).toMatchObject({ total: 6, done: 6 });
    expect(job.unit).toBe('views');

    // The poses the planner asked for, recomputed here with the job's own output directory.
    const asked = blenderDatasetJob
      .plan(job.spec as RequestOf<'blender-dataset'>, {
        limits: { partitionNodes: 4, maxGpusPerNode: 4 },
        dirs: { id: job.id, dir: job.dir, outputDir: job.outputDir },
        files: nodeFiles,
      })
      .tasks.flatMap((t) => t.payload.views as { file: string; matrix: number[][] }[]);
    expect(asked).toHaveLength(6);

    const angle = sceneCameraAngleX(scene);
    expect(angle).toBeGreaterThan(0.1);
    const counts = { train: 4, val: 1, test: 1 };
    for (const [split, n] of Object.entries(counts)) {
      const file = path.join(job.outputDir, `transforms_${split}.json`);
      expect(existsSync(file), file).toBe(true);
      const t = JSON.parse(readFileSync(file, 'utf8')) as TransformsFile;
      expect(t.camera_angle_x).toBeCloseTo(angle, 6);
      expect(t.frames.map((f) => f.file_path)).toEqual(
        Array.from({ length: n }, (_, i) => `./${split}/r_${i}`),
      );
      for (const f of t.frames) {
        const png = path.join(job.outputDir, `${f.file_path}.png`);
        expect(existsSync(png), png).toBe(true);
        // RGBA PNG of the scene's resolution: bytes 16-24 of the IHDR, then colour type 6
        const head = readFileSync(png).subarray(0, 26);
        expect([head.readUInt32BE(16), head.readUInt32BE(20), head[25]]).toEqual([64, 36, 6]);
        const want = asked.find((v) => `./${v.file.replace(/\.png$/, '')}` === f.file_path);
        expect(want).toBeDefined();
        expect(f.transform_matrix).toHaveLength(4);
        f.transform_matrix.forEach((row, i) =>
          row.forEach((x, j) =>
            expect(Math.abs(x - (want?.matrix[i]?.[j] ?? NaN))).toBeLessThan(1e-5),
          ),
        );
      }
    }
    expect(
      job.events.some((e) => e.type === 'results:written' && /transforms/.test(e.message)),
    ).toBe(true);
  });

  it('refuses a bad scene or view count with a clear error, creating no job', async () => {
    const before = (await coord.api<unknown[]>('GET', '/api/jobs')).length;
    const submit = (body: Record<string, unknown>) =>
      coord
        .api('POST', '/api/jobs', { kind: 'blender-dataset', scene, views: 4, nodes: 1, ...body })
        .then(
          () => 'accepted',
          (e: Error) => e.message,
        );
    expect(await submit({ scene: '/nonexistent/x.blend' })).toMatch(/does not exist/);
    expect(await submit({ scene: '/etc/hostname' })).toMatch(/not a \.blend file/);
    expect(await submit({ views: 0 })).toMatch(/views must be a whole number from 1 to 10000/);
    expect((await coord.api<unknown[]>('GET', '/api/jobs')).length).toBe(before);
  });
});
