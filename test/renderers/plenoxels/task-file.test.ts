import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { nodeFiles } from '../../../src/util/node-files.js';
import { expandTaskFile } from '../../../src/renderers/plenoxels/task-file.js';

const fixture = (name: string): string =>
  readFileSync(path.join('test/fixtures/plenoxels', name), 'utf8');
const noCheck = { checkDataDirs: false };
const SCENES = ['lego', 'mic', 'ship', 'chair', 'ficus', 'materials', 'drums', 'hotdog'];

describe('expandTaskFile with svox2 task files', () => {
  it('expands eval.json to the eight train and eval runs autotune would start', () => {
    const tasks = expandTaskFile(fixture('eval.json'), noCheck);
    const root = '/home/sxyu/proj/svox2/opt/ckpt_auto/256_to_512_fasttv';
    expect(tasks.map((t) => t.id)).toEqual(SCENES);
    expect(tasks.map((t) => t.steps.map((s) => s.argv))).toEqual(
      SCENES.map((s) => [
        [
          'python',
          'opt.py',
          '--tune_mode',
          '-t',
          `${root}/${s}`,
          `/home/sxyu/data/nerf_synthetic/${s}`,
          '-c',
          'configs/syn.json',
        ],
        [
          'python',
          'render_imgs.py',
          `${root}/${s}/ckpt.npz`,
          `/home/sxyu/data/nerf_synthetic/${s}`,
          '-c',
          'configs/syn.json',
        ],
      ]),
    );
    expect(tasks[0]?.steps.map((s) => s.doneWhen)).toEqual([
      [`${root}/lego/ckpt.npz`],
      [`${root}/lego/test_renders/psnr.txt`],
    ]);
    expect(tasks[0]?.skipWhen).toBe(`${root}/lego/test_psnr.txt`);
    expect(tasks[0]?.variables).toEqual({ scene: 'lego' });
  });

  it("expands the sanity.json learning-rate sweep to autotune's 120 tuning runs, product order", () => {
    // np.exp(np.linspace(np.log(a), np.log(b), n)).tolist(), printed by Python
    const lrSh = [
      '5.000000000000002e-07',
      '1.7969068319023152e-06',
      '6.457748325074416e-06',
      '2.3207944168063892e-05',
      '8.340502686000296e-05',
      '0.0002997421251594707',
      '0.0010772173450159421',
      '0.0038713184134056343',
      '0.013912797011035625',
      '0.05000000000000001',
    ];
    const lrSigma = [
      '4.999999999999999',
      '17.099759466766965',
      '58.48035476425728',
      '199.99999999999991',
    ];
    const delays = ['25000', '40000', '55000'];
    const root = '/home/sxyu/proj/svox2/opt/ckpt_tune/ship_sweep';
    const expected = lrSh.flatMap((a) =>
      lrSigma.flatMap((b) =>
        delays.map((c) => [
          'python',
          'opt.py',
          '--tune_mode',
          '--tune_nosave',
          '-t',
          `${root}/lrcf${a}_lrs${b}_del${c}`,
          '/home/sxyu/data/nerf_synthetic/ship',
          '--lr_sh_final',
          a,
          '--lr_sigma',
          b,
          '--lr_sigma_delay_steps',
          c,
        ]),
      ),
    );
    const tasks = expandTaskFile(fixture('sanity.json'), noCheck);
    expect(tasks).toHaveLength(120);
    expect(tasks.map((t) => t.steps.map((s) => s.argv))).toEqual(expected.map((argv) => [argv]));
    expect(tasks[0]?.steps[0]?.doneWhen).toEqual([
      `${root}/lrcf${lrSh[0]}_lrs${lrSigma[0]}_del25000/test_psnr.txt`,
    ]);
    expect(tasks[5]?.variables).toEqual({
      lr_sh_final: lrSh[0],
      lr_sigma: lrSigma[1],
      lr_sigma_delay_steps: '55000',
    });
  });

  it('adds the trajectory render with --render_path when the file asks for render', () => {
    const tasks = expandTaskFile(fixture('eval_ff.json'), noCheck);
    const root = '/home/sxyu/proj/svox2/opt/ckpt_auto/llff_c2f_fasttv_10e_lsopaque_fixtvbord';
    expect(tasks).toHaveLength(8);
    expect(tasks[0]?.steps[2]).toEqual({
      name: 'render',
      argv: [
        'python',
        'render_imgs.py',
        `${root}/fern/ckpt.npz`,
        '/home/sxyu/data/nerf_llff_data/fern',
        '-c',
        'configs/llff.json',
        '--render_path',
      ],
      doneWhen: [`${root}/fern/test_renders_path.mp4`],
    });
  });

  it('keeps bracketed string values literal and runs the product with the last variable fastest', () => {
    const tasks = expandTaskFile(fixture('interpablate.json'), noCheck);
    expect(tasks.slice(0, 3).map((t) => t.id)).toEqual([
      '[[256,256,256]]_3e0_lego',
      '[[128,128,128]]_3e0_lego',
      '[[256,256,256]]_3e0_mic',
    ]);
    expect(tasks[1]?.steps[0]?.argv.slice(-6)).toEqual([
      '-B',
      'svox1',
      '--lr_sigma',
      '3e0',
      '--reso',
      '[[128,128,128]]',
    ]);
    expect(tasks[1]?.config).toBe('');
  });
});

describe('expandTaskFile semantics', () => {
  const base = { data_root: '/d', train_root: '/t' };
  const expand = (file: object, opts = {}): ReturnType<typeof expandTaskFile> =>
    expandTaskFile(JSON.stringify(file), { ...noCheck, ...opts });

  it('appends base flags after task flags and splits flag words as the shell did', () => {
    const [task] = expand({
      ...base,
      eval: true,
      base_flags: ['--n_iters 100'],
      base_eval_flags: ['--no_vid'],
      base_common_flags: ['--scene_scale', '0.5'],
      tasks: [
        {
          train_dir: 'x',
          flags: ['--lr_sigma 3e1'],
          eval_flags: ['--n_eval', '5'],
          common_flags: ['--llffhold 4'],
        },
      ],
    });
    expect(task?.steps[0]?.argv.slice(6)).toEqual([
      '--lr_sigma',
      '3e1',
      '--n_iters',
      '100',
      '--llffhold',
      '4',
      '--scene_scale',
      '0.5',
    ]);
    expect(task?.steps[1]?.argv.slice(4)).toEqual([
      '--n_eval',
      '5',
      '--no_vid',
      '--llffhold',
      '4',
      '--scene_scale',
      '0.5',
    ]);
  });

  it('prints JSON floats the Python way and indexes dict values with {var[key]}', () => {
    // written as text: JSON.stringify would drop the ".0" that makes 1.0 a Python float
    const text = `{"data_root": "/d", "train_root": "/t",
      "variables": {"w": [1.0, 1e-5, 0.0001, 2], "cfg": [{"name": "a", "lr": 0.5}]},
      "tasks": [{"train_dir": "{w}_{cfg[name]}_{cfg[lr]}", "data_dir": "scene"}]}`;
    const tasks = expandTaskFile(text, noCheck);
    expect(tasks.map((t) => t.id)).toEqual(['1.0_a_0.5', '1e-05_a_0.5', '0.0001_a_0.5', '2_a_0.5']);
    expect(tasks[0]?.dataDir).toBe('/d/scene');
    expect(tasks[0]?.variables.cfg).toBe("{'name': 'a', 'lr': 0.5}");
  });

  it('expands lin, randlin with the given random source, and noises', () => {
    const lin = expand({
      ...base,
      variables: { x: 'lin(0, 1, 5)' },
      tasks: [{ train_dir: '{x}' }],
    });
    expect(lin.map((t) => t.id)).toEqual(['0.0', '0.25', '0.5', '0.75', '1.0']);
    const rand = expand(
      { ...base, variables: { x: 'randlin(0, 1, 4)' }, tasks: [{ train_dir: '{x}' }] },
      { random: () => 0.5 },
    );
    expect(rand.map((t) => t.id)).toEqual(['0.125', '0.375', '0.625', '0.875']);
    const noisy = expand({
      ...base,
      variables: { x: [1, 2] },
      noises: { x: 0 },
      tasks: [{ train_dir: '{x}' }],
    });
    expect(noisy.map((t) => t.id)).toEqual(['1', '2']);
  });

  it('resolves ~ and relative roots, and keeps an absolute train_dir as Python does', () => {
    const [a, b] = expand(
      {
        data_root: '~/data',
        train_root: 'ckpt',
        variables: { s: ['x', '/abs/y'] },
        tasks: [{ train_dir: '{s}' }],
      },
      { home: '/home/u', cwd: '/opt/svox2/opt' },
    );
    expect([a?.dataDir, a?.trainDir, b?.trainDir]).toEqual([
      '/home/u/data',
      '/opt/svox2/opt/ckpt/x',
      '/abs/y',
    ]);
  });
});

describe('expandTaskFile errors', () => {
  const message = (text: string, opts = {}): string => {
    try {
      expandTaskFile(text, { source: 'tasks.json', checkDataDirs: false, ...opts });
    } catch (err) {
      expect(err).toBeInstanceOf(UsageError);
      return (err as Error).message;
    }
    throw new Error('expected an error');
  };
  const file = (extra: object): string =>
    JSON.stringify({ data_root: '/d', train_root: '/t', ...extra });

  it('says when the task file is not JSON', () => {
    expect(message('{"data_root": ')).toMatch(/^tasks\.json is not JSON/);
  });

  it('names a template variable that does not exist and lists the real ones', () => {
    expect(message(file({ variables: { scene: ['a'] }, tasks: [{ train_dir: '{scen}' }] }))).toBe(
      'tasks.json: tasks[0].train_dir: the template names variable "scen", which does not exist (variables: scene)',
    );
  });

  it('refuses generator strings that are not one of the four, without evaluating them', () => {
    expect(message(file({ variables: { x: 'exp(1, 2, 3)' }, tasks: [] }))).toMatch(
      /variables\.x: unknown generator "exp"/,
    );
    expect(message(file({ variables: { x: "__import__('os').system('id')" }, tasks: [] }))).toMatch(
      /is not a generator/,
    );
    expect(message(file({ variables: { x: 'loglin(0, 1, 3)' }, tasks: [] }))).toMatch(
      /needs start and stop above 0/,
    );
    expect(message(file({ variables: { x: 'lin(0, 1, 2.5)' }, tasks: [] }))).toMatch(
      /num must be a whole number/,
    );
  });

  it('says which data directory is missing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plenoxels-'));
    mkdirSync(path.join(dir, 'lego'));
    const text = JSON.stringify({
      data_root: dir,
      train_root: '/t',
      variables: { s: ['lego', 'mic'] },
      tasks: [{ train_dir: '{s}', data_dir: '{s}' }],
    });
    expect(message(text, { checkDataDirs: true, files: nodeFiles })).toBe(
      `tasks.json: tasks[0]: data directory ${dir}/mic does not exist; check data_root and data_dir`,
    );
  });

  it('requires data_root, train_root and train_dir, and refuses unknown template keys', () => {
    expect(message(JSON.stringify({ train_root: '/t' }))).toBe('tasks.json: data_root is required');
    expect(message(file({ tasks: [{ data_dir: 'x' }] }))).toBe(
      'tasks.json: tasks[0]: train_dir is required',
    );
    expect(message(file({ tasks: [{ train_dir: 'x', flag: [] }] }))).toMatch(
      /unknown key flag; allowed: train_dir/,
    );
    expect(message(file({ variables: { x: 5 }, tasks: [] }))).toMatch(
      /variables\.x: a variable must be a list/,
    );
    expect(message(file({ variables: { x: [1] }, tasks: [{ train_dir: '{x:.2f}' }] }))).toMatch(
      /format spec/,
    );
    expect(message(file({ variables: { x: [1, 1] }, tasks: [{ train_dir: 'same' }] }))).toMatch(
      /share train_dir \/t\/same/,
    );
  });
});
