import { mkdtempSync, openSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { JobSummary } from '../../../src/api/types.js';
import { runCommand } from '../../../src/process/run.js';
import { SlurmClient } from '../../../src/slurm/client.js';
import { runCli } from '../../helpers/cli.js';
import { cleanUp, CoordinatorProcess } from '../../helpers/coordinator.js';

// What the cluster's Blender (3.4 here) can render, checked at submit from the probe the real
// Blender runs: scenes written by a script, one naming an add-on's engine, one from a newer Blender.

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-engines-');
const addon = path.join(root, 'addon-engine.blend');
const newer = path.join(root, 'from-4.3.blend');
const denoised = path.join(root, 'denoised.blend');
let coord: CoordinatorProcess;

const SCRIPT = `
import bpy, sys
out = sys.argv[sys.argv.index("--") + 1]
s = bpy.context.scene
s.render.resolution_x, s.render.resolution_y = 32, 18
s.frame_start = s.frame_end = 1
s.render.engine = "CYCLES"
s.cycles.samples = 1
s.cycles.use_denoising = False
bpy.ops.wm.save_as_mainfile(filepath=out + "/from-4.3.blend")
s.cycles.use_denoising = True  # as a new scene has it; Debian's Blender has no denoiser
bpy.ops.wm.save_as_mainfile(filepath=out + "/denoised.blend")
s.cycles.use_denoising = False
# An engine as an add-on registers one; the file keeps its name, a Blender without it lacks it.
class AddonEngine(bpy.types.RenderEngine):
    bl_idname = "CT_ADDON_ENGINE"
    bl_label = "Add-on engine"
bpy.utils.register_class(AddonEngine)
s.render.engine = "CT_ADDON_ENGINE"
bpy.ops.wm.save_as_mainfile(filepath=out + "/addon-engine.blend")
`;

beforeAll(async () => {
  const script = path.join(root, 'make.py');
  writeFileSync(script, SCRIPT);
  await runCommand('blender', ['-b', '--factory-startup', '-P', script, '--', root], {
    timeoutMs: 120_000,
  });
  // The header says which Blender saved the file (`BLENDER-v304`): make it say 4.3.
  expect(readFileSync(newer).subarray(0, 12).toString()).toMatch(/^BLENDER-v\d{3}$/);
  const fd = openSync(newer, 'r+');
  writeSync(fd, Buffer.from('403'), 0, 3, 9);
  closeSync(fd);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
}, 180_000);

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) =>
  runCli([...args, '--state-dir', coord.stateDir], { env: { SLURM_CONF: slurmConf } });

describe("checks at submit of what the nodes' Blender can render", () => {
  it('refuses a scene whose render engine an add-on provides and the nodes lack, naming it; submits nothing', () => {
    const r = cli(['submit', 'blender', addon, '--frames', '1', '--nodes', '1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /the scene renders with CT_ADDON_ENGINE, a render engine the cluster's Blender 3\.4\.\d+ lacks \(an add-on provides it/,
    );
    const jobs = JSON.parse(cli(['status', '--json']).stdout) as JobSummary[];
    expect(jobs).toEqual([]);
  });

  it('warns of a file saved by a newer Blender, naming both versions, and renders it', () => {
    const r = cli(['submit', 'blender', newer, '--frames', '1', '--nodes', '1', '--wait']);
    expect(r.stderr).toMatch(
      /warning: the scene was saved by Blender 4\.3, newer than the nodes' Blender 3\.4\.\d+/,
    );
    expect(r.code).toBe(0);
    const jobs = JSON.parse(cli(['status', '--json']).stdout) as JobSummary[];
    expect(jobs.map((j) => j.state)).toEqual(['succeeded']);
  });

  it('refuses a dataset of a denoising scene the Blender cannot denoise, naming --denoiser; renders it with --denoiser none', () => {
    const views = ['--views', '1', '--val-views', '0', '--test-views', '0', '--nodes', '1'];
    const refused = cli(['submit', 'blender-dataset', denoised, ...views]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(
      /the scene renders with denoising on .*choose --denoiser none\|openimagedenoise\|optix/,
    );
    const r = cli([
      'submit',
      'blender-dataset',
      denoised,
      ...views,
      '--denoiser',
      'none',
      '--wait',
    ]);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const jobs = JSON.parse(cli(['status', '--json']).stdout) as JobSummary[];
    expect(jobs.find((j) => j.kind === 'blender-dataset')?.state).toBe('succeeded');
  });
});
