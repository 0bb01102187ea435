import { mkdirSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BlenderSubmitRequest, JobDetail, JobSummary, TaskView } from '../../src/api/types.js';
import { readAddress, readToken } from '../../src/coordinator/state-dir.js';
import { countVideoFrames } from '../../src/renderers/blender/encode.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, noAllocationLeft } from '../helpers/coordinator.js';
import { readPng } from '../renderers/blender/png-read.js';
import { makeCameraScene } from '../renderers/blender/tiny-scene.js';

// `cluster-tool submit blender` as a render artist uses it, on the local cluster with the real
// Blender: the two-camera scene (64×36, 4 samples, output path //render/shot_####, frames 1-10).

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-output-');
let scene = '';
let coord: CoordinatorProcess;

beforeAll(async () => {
  scene = await makeCameraScene(root);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf, ['--lease-seconds', '5']);
  await coord.start();
});

afterAll(async () => {
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) =>
  runCli([...args, '--state-dir', coord.stateDir], { env: { SLURM_CONF: slurmConf } });

/** Submits through the CLI, waits for the job's end and returns it. */
function render(args: string[]): JobDetail {
  const r = cli(['submit', 'blender', scene, '--nodes', '1', '--gpus-per-node', '2', ...args]);
  expect(r.stderr).not.toMatch(/^error/m);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as JobDetail;
}

const submitArgs = ['--wait', '--json'];

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function renderTasks(id: string): Promise<TaskView[]> {
  return (await coord.api<{ tasks: TaskView[] }>('GET', `/api/jobs/${id}/tasks?stage=render`))
    .tasks;
}

function centre(file: string): number[] {
  const png = readPng(file);
  return png.pixel(png.width >> 1, png.height >> 1).slice(0, 3);
}

async function fetchFile(jobId: string, rel: string): Promise<number> {
  const url = readAddress(coord.stateDir)?.url ?? '';
  const r = await fetch(`${url}/api/jobs/${jobId}/files/${rel}`, {
    headers: { authorization: `Bearer ${readToken(coord.stateDir) ?? ''}` },
  });
  await r.arrayBuffer();
  return r.status;
}

describe('Blender renders into an output directory of their own', () => {
  it('writes exactly the files the pattern names, every 2nd frame, and a video of those frames', async () => {
    const out = path.join(root, 'shot-a');
    mkdirSync(out);
    const job = render([
      ...['--frames', '1-6', '--frame-step', '2', '--format', 'JPEG'],
      ...['--output', out, '--output-pattern', 'comp/v1_###', ...submitArgs],
    ]);
    expect(job.state).toBe('succeeded');
    expect(job.outputDir).toBe(out);
    expect(filesUnder(out)).toEqual([
      'comp/v1_001.jpg',
      'comp/v1_003.jpg',
      'comp/v1_005.jpg',
      'video.mp4',
    ]);
    expect(job.video).toBe('output/video.mp4');
    expect(await countVideoFrames(path.join(out, 'video.mp4'))).toBe(3);
    // The files route serves the output root under output/, and nothing outside it.
    expect(await fetchFile(job.id, 'output/comp/v1_003.jpg')).toBe(200);
    expect(await fetchFile(job.id, 'output/video.mp4')).toBe(200);
    expect(await fetchFile(job.id, 'thumbs/frame_0003.jpg')).toBe(200);
    expect(await fetchFile(job.id, 'output/..%2F..%2Fstate%2Ftoken')).toBe(404);
    symlinkSync(path.join(coord.stateDir, 'token'), path.join(out, 'comp', 'token-link'));
    expect(await fetchFile(job.id, 'output/comp/token-link')).toBe(404);
    const tasks = await renderTasks(job.id);
    expect(tasks.flatMap((t) => t.files).filter((f) => f.startsWith('output/'))).toEqual(
      expect.arrayContaining(['output/comp/v1_001.jpg', 'output/comp/v1_005.jpg']),
    );
  });

  it('applies every override before the first frame: size, samples, camera, depth and device', async () => {
    const out = path.join(root, 'shot-b');
    mkdirSync(out);
    const job = render([
      ...['--frames', '1-2', '--output', out, '--samples', '3', '--camera', 'CamBlue'],
      ...['--resolution-percentage', '50', '--color-depth', '16', '--device', 'cpu'],
      ...submitArgs,
    ]);
    expect(job.state).toBe('succeeded');
    // The scene's own output path names the files.
    expect(filesUnder(out)).toEqual(['render/shot_0001.png', 'render/shot_0002.png', 'video.mp4']);
    const png = readPng(path.join(out, 'render', 'shot_0001.png'));
    expect([png.width, png.height, png.bitDepth]).toEqual([32, 18, 16]);
    expect(png.text['cycles.ViewLayer.samples']).toBe('3');
    const [r, , b] = centre(path.join(out, 'render', 'shot_0002.png'));
    expect(b).toBeGreaterThan(200 * 257);
    expect(r).toBeLessThan(30 * 257);
    const spec = job.spec as BlenderSubmitRequest;
    expect(spec.overrides).toEqual({
      samples: 3,
      camera: 'CamBlue',
      resolutionPercentage: 50,
      colorDepth: 16,
      device: 'cpu',
    });
    expect(spec.planned?.resolution).toEqual([32, 18]);
    expect(job.events.find((e) => e.type === 'render:overrides')?.message).toBe(
      'overrides: resolution 50 % (32×18), samples 3, camera CamBlue, device cpu, 16-bit',
    );
    for (const t of await renderTasks(job.id))
      expect(Object.values(t.frameSeconds).length).toBe(t.frames.length);
  });

  it('renders no frame again when submitted into the same output, and all of them with --overwrite', async () => {
    const out = path.join(root, 'shot-b');
    const args = ['--frames', '1-2', '--output', out, '--samples', '3', '--camera', 'CamBlue'];
    const more = ['--resolution-percentage', '50', '--color-depth', '16', '--device', 'cpu'];
    const frame = path.join(out, 'render', 'shot_0001.png');
    const before = statSync(frame).mtimeMs;
    const again = render([...args, ...more, ...submitArgs]);
    expect(again.state).toBe('succeeded');
    expect(await renderTasks(again.id)).toEqual([]);
    expect((again.spec as BlenderSubmitRequest).planned?.skipped).toEqual([1, 2]);
    expect(again.events.find((e) => e.type === 'render:skipped')?.data).toEqual({
      frames: [1, 2],
      outputDir: out,
    });
    expect(statSync(frame).mtimeMs).toBe(before);
    expect(await countVideoFrames(path.join(out, 'video.mp4'))).toBe(2);
    // Another size is not the same frame: changing the resolution renders both again.
    const bigger = render([...args, '--resolution-percentage', '100', ...submitArgs]);
    expect((await renderTasks(bigger.id)).flatMap((t) => t.frames)).toEqual([1, 2]);
    const forced = render([
      ...args,
      '--resolution-percentage',
      '100',
      '--overwrite',
      ...submitArgs,
    ]);
    expect((await renderTasks(forced.id)).flatMap((t) => t.frames).sort()).toEqual([1, 2]);
    await noAllocationLeft(slurm);
  });
});

describe('bad Blender input', () => {
  it('gets clear errors and creates no job', async () => {
    const jobs = async () => (await coord.api<JobSummary[]>('GET', '/api/jobs')).length;
    const before = await jobs();
    const out = path.join(root, 'shot-c');
    mkdirSync(out);
    const refused = (args: string[], kind = 'blender') => {
      const r = cli(['submit', kind, scene, ...args]);
      expect(r.code).toBe(2);
      return r.stderr.trim();
    };
    expect(refused(['--frames', '1', '--output', path.join(scene, 'missing')])).toBe(
      `error: output ${path.join(scene, 'missing')}: ${scene} is a file, not a directory; choose another`,
    );
    expect(refused(['--frames', '1', '--output', '/proc/sys'])).toMatch(
      /the cluster's jobs cannot write there/,
    );
    expect(refused(['--frames', '1', '--output', out, '--output-pattern', '../up_####'])).toMatch(
      /output pattern "\.\.\/up_####": remove the "\.\." segment/,
    );
    expect(refused(['--frames', '1', '--camera', 'CamGreen'])).toBe(
      'error: camera "CamGreen": the scene has no camera object of that name; it has "CamBlue", "CamRed"',
    );
    expect(refused(['--frames', '1', '--samples', '-1'])).toBe(
      'error: samples -1: give a whole number from 1 to 16777216',
    );
    expect(refused(['--tiles', '0x4'], 'blender-still')).toBe(
      'error: --tiles "0x4": columns and rows must be 1 or more, e.g. 4x4',
    );
    // Inside a finished job's output: two jobs would tidy each other's folders.
    expect(refused(['--frames', '1', '--output', path.join(root, 'shot-a', 'comp')])).toMatch(
      /is inside the output of job j\d+ \(.*shot-a\); choose a directory of its own/,
    );
    expect(await jobs()).toBe(before);
    const status = cli(['status', '--json']);
    expect((JSON.parse(status.stdout) as unknown[]).length).toBe(before);
  });

  it('accepts an autoscaled render whose --max is above --nodes', async () => {
    const r = cli([
      ...['submit', 'blender', scene, '--frames', '1-2', '--nodes', '1', '--auto'],
      ...['--min', '1', '--max', '3'],
    ]);
    expect(r.stderr).not.toMatch(/^error/m);
    const id = r.stdout.trim();
    expect(id).toMatch(/^j\d+$/);
    expect(cli(['cancel', id]).code).toBe(0);
    await noAllocationLeft(slurm);
  });

  it('plans a dry run without a coordinator, from the partition Slurm reports, writing nothing', () => {
    const out = path.join(root, 'shot-d');
    mkdirSync(out);
    const r = runCli(
      [
        ...['submit', 'blender', scene, '--frames', '1-4', '--output', out, '--dry-run'],
        ...['--nodes', '4', '--state-dir', path.join(root, 'no-coordinator')],
      ],
      { env: { SLURM_CONF: slurmConf } },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no coordinator answered');
    expect(r.stdout).toMatch(
      /^Would submit job \(dry run\): 4 frame\(s\) in 4 task\(s\) on 4 node/,
    );
    expect(r.stdout).toContain('render/shot_0001.png … render/shot_0004.png, PNG at 64×36');
    expect(readdirSync(out)).toEqual([]);
    const five = runCli(
      [
        ...['submit', 'blender', scene, '--frames', '1', '--dry-run', '--nodes', '5'],
        ...['--state-dir', path.join(root, 'no-coordinator')],
      ],
      { env: { SLURM_CONF: slurmConf } },
    );
    expect(five.stderr).toMatch(/nodes: 5 is more than the 4 node\(s\) the partition has/);
  });
});
