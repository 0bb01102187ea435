import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  datasetViews,
  lookAt,
  splitCounts,
  transformsOf,
  type RenderedView,
} from '../../../src/renderers/blender/dataset.js';
import { writeTransforms } from '../../../src/renderers/blender/dataset-write.js';
import { sceneInfo as sceneInfoFixture } from './scene-fixture.js';
import { blenderDatasetJob } from '../../../src/coordinator/jobs/blender-dataset.js';
import { nodeFiles } from '../../../src/util/node-files.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ct-dataset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const col = (m: number[][], c: number) => [0, 1, 2].map((r) => m[r]?.[c] ?? NaN);
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? NaN), 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
const at = (a: number[], i: number) => a[i] ?? NaN;
const crossOf = (a: number[], b: number[]) => [
  at(a, 1) * at(b, 2) - at(a, 2) * at(b, 1),
  at(a, 2) * at(b, 0) - at(a, 0) * at(b, 2),
  at(a, 0) * at(b, 1) - at(a, 1) * at(b, 0),
];

describe('dataset poses and split', () => {
  it('splits --views N into N train and a tenth (rounded up) each for val and test', () => {
    expect(splitCounts(100)).toEqual({ train: 100, val: 10, test: 10 });
    expect(splitCounts(4)).toEqual({ train: 4, val: 1, test: 1 });
    expect(splitCounts(4, 0, 3)).toEqual({ train: 4, val: 0, test: 3 });
  });

  it('looks at the origin from the eye with +Z up, in Blender camera convention', () => {
    const m = lookAt([0, -4, 0]);
    // camera looks along +Y (down its -Z): back (+Z col) is -Y, right is +X, up is +Z
    expect(col(m, 0)).toEqual([1, 0, 0]);
    expect(col(m, 1)).toEqual([0, 0, 1]);
    expect(col(m, 2)).toEqual([0, -1, 0]);
    expect(col(m, 3)).toEqual([0, -4, 0]);
    expect(m[3]).toEqual([0, 0, 0, 1]);
  });

  it('puts every view on the upper hemisphere at the radius, looking at the origin, rotation orthonormal and right-handed', () => {
    const views = datasetViews(splitCounts(100), 3);
    expect(views).toHaveLength(120);
    expect(views.filter((v) => v.split === 'train').map((v) => v.file)[99]).toBe('train/r_99.png');
    expect(views.filter((v) => v.split === 'test')[0]?.file).toBe('test/r_0.png');
    for (const v of views) {
      const [x, y, z, eye] = [0, 1, 2, 3].map((c) => col(v.matrix, c));
      if (!x || !y || !z || !eye) throw new Error('a matrix lacks a column');
      expect(norm(eye)).toBeCloseTo(3, 9);
      expect(eye[2]).toBeGreaterThan(0);
      // the camera looks down -Z, so +Z points from the origin towards the eye
      for (let i = 0; i < 3; i++) expect(z[i]).toBeCloseTo((eye[i] ?? NaN) / 3, 9);
      for (const a of [x, y, z]) expect(norm(a)).toBeCloseTo(1, 9);
      expect(dot(x, y)).toBeCloseTo(0, 9);
      expect(dot(x, z)).toBeCloseTo(0, 9);
      expect(x[2]).toBeCloseTo(0, 9); // no roll: right stays horizontal
      const xy = crossOf(x, y);
      for (let i = 0; i < 3; i++) expect(xy[i]).toBeCloseTo(z[i] ?? NaN, 9);
    }
    // no two views share a pose
    const eyes = new Set(
      views.map((v) =>
        col(v.matrix, 3)
          .map((n) => n.toFixed(6))
          .join(),
      ),
    );
    expect(eyes.size).toBe(120);
    // test views are an orbit at 30 degrees
    for (const v of views.filter((w) => w.split === 'test'))
      expect(col(v.matrix, 3)[2]).toBeCloseTo(1.5, 9);
  });
});

describe('transforms files', () => {
  const views: RenderedView[] = datasetViews(splitCounts(4, 2, 1)).map((v) => ({
    split: v.split,
    index: v.index,
    matrix: v.matrix,
    cameraAngleX: 0.6911112070083618,
  }));

  it('writes transforms_train/val/test.json as NeRF-synthetic does, each split in index order', () => {
    const shuffled = [...views].reverse();
    const files = writeTransforms(dir, shuffled);
    expect(files.map((f) => path.basename(f))).toEqual([
      'transforms_train.json',
      'transforms_val.json',
      'transforms_test.json',
    ]);
    const train = JSON.parse(readFileSync(path.join(dir, 'transforms_train.json'), 'utf8')) as {
      camera_angle_x: number;
      frames: { file_path: string; transform_matrix: number[][] }[];
    };
    expect(train.camera_angle_x).toBe(0.6911112070083618);
    expect(train.frames.map((f) => f.file_path)).toEqual([
      './train/r_0',
      './train/r_1',
      './train/r_2',
      './train/r_3',
    ]);
    expect(train.frames[2]?.transform_matrix).toEqual(views[2]?.matrix);
    expect(transformsOf(views).val.frames).toHaveLength(2);
    expect(transformsOf(views).test.frames).toEqual([
      { file_path: './test/r_0', transform_matrix: views[6]?.matrix },
    ]);
  });

  it('refuses to write transforms of no views', () => {
    expect(() => writeTransforms(dir, [])).toThrow(/no rendered views/);
  });
});

describe('the blender-dataset planner', () => {
  const scene = path.join(dir, 'scene.blend');
  writeFileSync(scene, 'not really a blend');
  const limits = { partitionNodes: 4, maxGpusPerNode: 4 };
  const dirs = { id: 'j1', dir: '/state/jobs/j1', outputDir: '/state/jobs/j1/output' };
  const plan = (body: Record<string, unknown>) =>
    blenderDatasetJob.plan(
      { kind: 'blender-dataset', nodes: 1, scene, views: 10, ...body },
      { limits, dirs, files: nodeFiles },
    );

  it('splits the views into blender-view tasks with poses and absolute outputs under the job output', () => {
    const p = plan({ viewsPerTask: 3 });
    expect(p.kind).toBe('blender-dataset');
    expect(p.stages).toEqual([{ name: 'main', seq: 0, state: 'ready' }]);
    expect(p.tasks).toHaveLength(4); // 10 + 1 + 1 views
    expect(p.tasks.every((t) => t.kind === 'blender-view' && t.stage === 'main')).toBe(true);
    const first = (p.tasks[0]?.payload.views as { output: string; matrix: number[][] }[])[0];
    expect(first?.output).toBe('/state/jobs/j1/output/train/r_0.png');
    expect(first?.matrix).toEqual(datasetViews(splitCounts(10))[0]?.matrix);
    expect(p.summary).toMatch(/12 view\(s\) \(train 10, val 1, test 1\) in 4 task\(s\)/);
  });

  it('refuses bad scenes, view counts and radii', () => {
    expect(() => plan({ scene: 'rel.blend' })).toThrow(/absolute/);
    expect(() => plan({ scene: '/nonexistent/x.blend' })).toThrow(/does not exist/);
    expect(() => plan({ scene: '/etc/hostname' })).toThrow(/not a \.blend file/);
    expect(() => plan({ views: 0 })).toThrow(/views must be a whole number from 1 to 10000/);
    expect(() => plan({ views: 10001 })).toThrow(/views/);
    expect(() => plan({ views: 2.5 })).toThrow(/views/);
    expect(() => plan({ radius: -1 })).toThrow(/radius/);
    expect(() => plan({ nodes: 5 })).toThrow(/partition/);
  });

  it('refuses a scene whose files are missing, unless allowMissing (then it warns)', () => {
    const missing = {
      type: 'image',
      name: 'checker',
      library: null,
      path: '//tex/checker.png',
      file: path.join(dir, 'tex', 'checker.png'),
      exists: false,
      size: null,
    };
    const sceneInfo = { ...sceneInfoFixture(), dependencies: [missing] };
    expect(() => plan({ sceneInfo })).toThrow(
      /^the scene needs 1 file\(s\) that are missing:\n {2}image "checker": \/\/tex\/checker\.png/,
    );
    expect(plan({ sceneInfo, allowMissing: true }).warnings).toEqual([
      expect.stringContaining('(--allow-missing): image "checker"'),
    ]);
  });
});
