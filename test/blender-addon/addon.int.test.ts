import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobDetail, JobSummary, TaskView } from '../../src/api/types.js';
import { runCommand } from '../../src/process/run.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp } from '../helpers/coordinator.js';
import { diffImages } from '../renderers/blender/image-diff.js';
import { AddonWorld, resultLine, type Driven } from './addon-fixture.js';

// The Blender add-on as an artist uses it, in the real Blender (background mode): installed by
// `cluster-tool blender-addon install` into a Blender user folder of the test's own, its panel's
// properties set, Submit pressed, the job rendered on the local Slurm cluster. (Its panel, drawn
// by Blender's UI, in panel-screenshot.int.test.ts.)

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const DRIVE = path.join(import.meta.dirname, 'drive-addon.py');
let world: AddonWorld;

beforeAll(async () => {
  world = await AddonWorld.start(slurmConf);
}, 180_000);

afterAll(async () => {
  if (world) await cleanUp(slurm, world.root, world.coord);
});

/** Blender in the background on `scene` (none: a new file), the add-on driven by drive-addon.py. */
function drive(
  scene: string | null,
  set: Record<string, unknown>,
  env: Record<string, string> = {},
): Driven & { output: string } {
  const r = spawnSync(
    'blender',
    ['-b', ...(scene ? [scene] : []), '-P', DRIVE, '--', JSON.stringify({ set })],
    { encoding: 'utf8', timeout: 600_000, env: world.env(env) },
  );
  const output = `${r.stdout}${r.stderr}`;
  return { ...resultLine<Driven>(r.stdout, 'ADDON-RESULT ', output), output };
}

const jobCount = async () => (await world.coord.api<JobSummary[]>('GET', '/api/jobs')).length;

/** Every PNG under `dir`, by file name. */
function pngs(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true }))
    if (e.isFile() && e.name.endsWith('.png')) found.set(e.name, path.join(e.parentPath, e.name));
  return found;
}

describe('the Blender add-on', () => {
  it('is installed and enabled by `cluster-tool blender-addon install`', () => {
    const { userDirs } = world;
    const r = world.install();
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.code).toBe(0);
    const dir = path.join(userDirs.BLENDER_USER_SCRIPTS, 'addons', 'cluster_tool_addon');
    expect(r.stdout.trim()).toBe(dir);
    expect(existsSync(path.join(dir, '__init__.py'))).toBe(true);
    expect(existsSync(path.join(userDirs.BLENDER_USER_CONFIG, 'userpref.blend'))).toBe(true);
    // Again: an update replaces the copy.
    expect(world.install().code).toBe(0);
  });

  it('submits the scene with the frames and samples set in its panel; the cluster renders each frame once, with its texture, as Blender renders it here', async () => {
    const before = await jobCount();
    const { shot } = world;
    const r = drive(shot, { frames: '2-4', samples: 2 });
    expect(r.enabled, r.output).toBe(true);
    expect(r.operator, r.output).toEqual(['FINISHED']);
    expect(r.files).toEqual([expect.objectContaining({ path: '//tex/checker.png', exists: true })]);
    expect(r.phase, r.output).toBe('ended');
    expect(r.state).toBe('succeeded');
    expect(r.report?.[1]).toMatch(new RegExp(`^Job ${r.job}: succeeded 3/3 frames`));
    expect(await jobCount()).toBe(before + 1);

    const job = await world.coord.api<JobDetail>('GET', `/api/jobs/${r.job}`);
    const { tasks } = await world.coord.api<{ tasks: TaskView[] }>(
      'GET',
      `/api/jobs/${r.job}/tasks?stage=render`,
    );
    expect(job.spec).toMatchObject({ kind: 'blender', scene: shot, overrides: { samples: 2 } });
    expect(tasks.flatMap((t) => t.frames).sort()).toEqual([2, 3, 4]);
    for (const t of tasks) expect(t.tries).toBe(1);

    // The same frames rendered here by Blender itself, with the samples the panel asked for.
    const direct = path.join(world.root, 'direct');
    await runCommand(
      'blender',
      ['-b', shot, '--python-expr', 'import bpy; bpy.context.scene.cycles.samples = 2'].concat([
        ...['-o', path.join(direct, 'shot_####'), '-F', 'PNG', '-s', '2', '-e', '4', '-a'],
      ]),
      { timeoutMs: 300_000 },
    );
    const rendered = pngs(job.outputDir);
    const expected = pngs(direct);
    expect([...rendered.keys()].sort()).toEqual([
      'shot_0002.png',
      'shot_0003.png',
      'shot_0004.png',
    ]);
    for (const [name, file] of rendered) {
      const d = await diffImages(file, expected.get(name) ?? '');
      expect(d.width).toBe(48);
      expect(d.max, name).toBeLessThanOrEqual(1 / 255);
    }
  });

  it('reports a missing texture, naming it, and submits nothing', async () => {
    const moved = path.join(world.root, 'moved');
    cpSync(world.project, moved, { recursive: true });
    rmSync(path.join(moved, 'tex'), { recursive: true });
    const before = await jobCount();
    const r = drive(path.join(moved, 'shot.blend'), { frames: '1' });
    expect(r.phase, r.output).toBe('failed');
    expect(r.files).toEqual([
      expect.objectContaining({ path: '//tex/checker.png', exists: false }),
    ]);
    expect(r.report?.[0]).toBe('ERROR');
    expect(r.report?.[1]).toContain('1 file(s) that are missing; nothing was sent');
    expect(r.report?.[1]).toContain(
      `image "checker": //tex/checker.png -> ${path.join(moved, 'tex', 'checker.png')}`,
    );
    expect(r.output).toContain('Error: The scene needs 1 file(s) that are missing');
    expect(await jobCount()).toBe(before);
  });

  it('says what to do when cluster-tool is not on PATH, no coordinator answers, or the file was never saved', async () => {
    const before = await jobCount();
    const { shot, bare } = world;
    const noCli = drive(shot, {}, { PATH: bare });
    expect(noCli.operator).toBe('error');
    expect(noCli.error).toContain('cluster-tool was not found on PATH. Install it');
    expect(noCli.error).toContain('Preferences > Add-ons > Cluster Tool');

    const nobody = path.join(world.root, 'no-coordinator');
    mkdirSync(nobody);
    const noCoord = drive(shot, {}, { CLUSTER_TOOL_STATE_DIR: nobody });
    expect(noCoord.phase, noCoord.output).toBe('failed');
    expect(noCoord.report).toEqual([
      'ERROR',
      expect.stringContaining(`no coordinator found in ${nobody}. Start one with`),
    ]);
    expect(noCoord.output).toContain(`Error: no coordinator found in ${nobody}`);

    const unsaved = drive(null, {});
    expect(unsaved.operator).toBe('error');
    expect(unsaved.error).toContain('Save the scene first (File > Save As)');
    expect(await jobCount()).toBe(before);
  });
});
