import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, JobSummary } from '../../../src/api/types.js';
import type { SceneDependency } from '../../../src/renderers/blender/dependencies.js';
import { runCommand } from '../../../src/process/run.js';
import { SlurmClient } from '../../../src/slurm/client.js';
import { runCli } from '../../helpers/cli.js';
import { cleanUp, CoordinatorProcess } from '../../helpers/coordinator.js';

// The files a scene reads, found by the real Blender (3.4 here), and what `submit` makes of
// them on the local cluster: scenes from make-deps-scenes.py, as users lay out their projects.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-deps-');
const project = path.join(root, 'project');
const shot = path.join(project, 'shot.blend');
let coord: CoordinatorProcess;

beforeAll(async () => {
  const script = path.join(import.meta.dirname, 'make-deps-scenes.py');
  await runCommand('blender', ['-b', '--factory-startup', '-P', script, '--', '--dir', root], {
    timeoutMs: 120_000,
  });
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
}, 180_000);

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) =>
  runCli([...args, '--state-dir', coord.stateDir], { env: { SLURM_CONF: slurmConf } });

const deps = (scene: string) => runCli(['deps', scene, '--json']);

/** A copy of the project elsewhere, as when the .blend is moved without one of its files. */
function copyWithout(name: string, missing: string): string {
  const dir = path.join(root, name);
  cpSync(project, dir, { recursive: true });
  rmSync(path.join(dir, missing));
  return path.join(dir, 'shot.blend');
}

describe('cluster-tool deps', () => {
  it('lists exactly the files the scene reads: textures beside it, UDIM tiles, a sequence, an absolute path, a library and what it links; nothing for a packed image', () => {
    const r = deps(shot);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { files: SceneDependency[]; missing: number };
    const p = (rel: string) => path.join(project, rel);
    const image = (name: string, written: string, file: string, library: string | null = null) => ({
      type: 'image',
      name,
      library,
      path: written,
      file,
    });
    expect(
      out.files.map(({ type, name, library, path: written, file }) => ({
        type,
        name,
        library,
        path: written,
        file,
      })),
    ).toEqual([
      {
        type: 'library',
        name: 'inner.blend',
        library: null,
        path: '//libs/inner.blend',
        file: p('libs/inner.blend'),
      },
      {
        type: 'library',
        name: 'lib.blend',
        library: null,
        path: '//libs/lib.blend',
        file: p('libs/lib.blend'),
      },
      image('abs', path.join(root, 'abs', 'abs.png'), path.join(root, 'abs', 'abs.png')),
      image('checker', '//tex/checker.png', p('tex/checker.png')),
      image('seq', '//seq/frame_0001.png', p('seq/frame_0001.png')),
      image('seq', '//seq/frame_0001.png', p('seq/frame_0002.png')),
      image('seq', '//seq/frame_0001.png', p('seq/frame_0003.png')),
      image('wood', '//tex/wood.<UDIM>.png', p('tex/wood.1001.png')),
      image('wood', '//tex/wood.<UDIM>.png', p('tex/wood.1002.png')),
      image('inner', '//itex/inner.png', p('libs/itex/inner.png'), '//libs/inner.blend'),
      image('lib', '//ltex/lib.png', p('libs/ltex/lib.png'), '//libs/lib.blend'),
    ]);
    for (const f of out.files) {
      expect(f.exists).toBe(true);
      expect(f.size).toBe(statSync(f.file).size);
    }
    expect(out.missing).toBe(0);
  });

  it('says which file is missing, as written and where Blender looks, and exits 1', () => {
    const moved = copyWithout('moved', 'libs/ltex/lib.png');
    const r = runCli(['deps', moved]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `missing  image "lib" from library //libs/lib.blend: //ltex/lib.png → ${path.join(root, 'moved', 'libs', 'ltex', 'lib.png')}`,
    );
    expect(r.stdout).toMatch(/^11 file\(s\), .*; 1 missing$/m);
  });
});

describe('submit and the files a scene reads', () => {
  const jobs = async () => (await coord.api<JobSummary[]>('GET', '/api/jobs')).length;
  const small = ['--frames', '1', '--nodes', '1', '--gpus-per-node', '1'];

  it('refuses a scene whose texture is missing, naming the data-block and path, and submits nothing', async () => {
    const before = await jobs();
    const moved = copyWithout('no-checker', 'tex/checker.png');
    const r = cli(['submit', 'blender', moved, ...small]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: the scene needs 1 file(s) that are missing:\n  image "checker": //tex/checker.png → ${path.join(root, 'no-checker', 'tex', 'checker.png')}\n`,
    );
    expect(r.stderr).toContain('--allow-missing');
    expect(await jobs()).toBe(before);
    const still = cli(['submit', 'blender-still', moved, '--tiles', '1x2', '--nodes', '1']);
    expect(still.code).toBe(2);
    expect(still.stderr).toContain('image "checker": //tex/checker.png');
    expect(await jobs()).toBe(before);
  });

  it('renders anyway with --allow-missing, and the history names what was missing', () => {
    const moved = path.join(root, 'no-checker', 'shot.blend');
    const r = cli(['submit', 'blender', moved, ...small, '--allow-missing', '--wait', '--json']);
    expect(r.code).toBe(0);
    const job = JSON.parse(r.stdout) as JobDetail;
    expect(job.state).toBe('succeeded');
    const warning = job.events.find((e) => e.type === 'job:warning');
    expect(warning?.message).toContain('(--allow-missing): image "checker": //tex/checker.png');
  });

  it('prints the files with their sizes on a dry run', () => {
    const r = cli(['submit', 'blender', shot, ...small, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}files {5}11 the scene reads, .* kB:$/m);
    expect(r.stdout).toMatch(/^ +\d+ B {2}image "checker": \/\/tex\/checker\.png → /m);
  });

  it('refuses a denoising scene the Blender cannot denoise, naming --denoiser; renders it with --denoiser none into a new folder', () => {
    const denoised = path.join(project, 'denoised.blend');
    const refused = cli(['submit', 'blender', denoised, ...small]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('choose --denoiser none|openimagedenoise|optix');
    const out = path.join(root, 'renders', 'denoised', 'v1');
    const r = cli([
      ...['submit', 'blender', denoised, '--frames', '1-2', '--nodes', '1'],
      ...['--gpus-per-node', '1', '--denoiser', 'none', '--output', out, '--wait', '--json'],
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as JobDetail).state).toBe('succeeded');
    expect(readdirSync(out).sort()).toEqual(['frame_0001.png', 'frame_0002.png', 'video.mp4']);
  });
});
