import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCommand } from '../../src/process/run.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { cleanUp } from '../helpers/coordinator.js';
import { AddonWorld, resultLine, type Driven } from './addon-fixture.js';

// The add-on's panel as Blender's UI draws it, with a window (Xvfb, software OpenGL): Submit
// pressed there, the job followed by the add-on's timer while Blender keeps drawing, then a
// screenshot (test-artifacts/blender-addon/panel.png; README.md shows one). Host world only:
// the Debian 13 world has no X server.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const SHOOT = path.join(import.meta.dirname, 'screenshot-panel.py');
const ARTIFACTS = path.resolve('test-artifacts', 'blender-addon');
let world: AddonWorld;

beforeAll(async () => {
  world = await AddonWorld.start(slurmConf);
  const r = world.install();
  if (r.code !== 0) throw new Error(`blender-addon install failed:\n${r.stderr}`);
}, 180_000);

afterAll(async () => {
  if (world) await cleanUp(slurm, world.root, world.coord);
});

describe("the Blender add-on's panel", () => {
  it('shows in Output Properties, saves the edited scene, submits it and follows the job to its end while Blender keeps running', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const shotFile = path.join(ARTIFACTS, 'panel.png');
    rmSync(shotFile, { force: true });
    const [w, h] = [1000, 1600];
    const r = spawnSync(
      'xvfb-run',
      ['-a', '-s', `-screen 0 ${w}x${h}x24`, 'blender', world.shot]
        .concat(['-p', '0', '0', `${w}`, `${h}`])
        .concat(['-P', SHOOT, '--', shotFile, 'submit']),
      { encoding: 'utf8', timeout: 600_000, env: world.env() },
    );
    const output = `${r.stdout}${r.stderr}`;
    const shown = resultLine<Driven & { dirty_before?: boolean }>(r.stdout, 'PANEL-SHOT ', output);
    expect(shown.error, output).toBeUndefined();
    // The edit made before Submit was saved by it (the file on disk has it).
    expect(shown.dirty_before).toBe(true);
    const saved = await runCommand(
      'blender',
      [
        '-b',
        world.shot,
        '--python-expr',
        'import bpy; print("END=%d" % bpy.context.scene.frame_end)',
      ],
      { timeoutMs: 120_000 },
    );
    expect(saved.stdout).toMatch(/^END=4$/m);
    expect(shown.phase, output).toBe('ended');
    expect(shown.report?.[1]).toMatch(new RegExp(`^Job ${shown.job}: succeeded 3/3 frames`));
    // A PNG of the whole window: its IHDR's width and height.
    const png = readFileSync(shotFile);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([w, h]);
  });
});
