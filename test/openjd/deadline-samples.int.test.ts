import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCli } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { makeTempDir, makeTinyScene } from '../renderers/blender/tiny-scene.js';
import { taskLogs } from './helpers/task-logs.js';

/**
 * AWS Deadline Cloud's job bundles (deadline-cloud-samples `job_bundles/`) whose software is here
 * (Blender, FFmpeg, bash, the EXPR `bash:` action), submitted unchanged to the local cluster. The
 * samples are read from a checkout, never copied here, so this runs only where
 * `DEADLINE_SAMPLES_DIR` names the checkout's `job_bundles`; the chunked Blender samples have
 * their own file (deadline-chunked-samples.int.test.ts).
 */

const SAMPLES = process.env.DEADLINE_SAMPLES_DIR;
const HOW =
  'set DEADLINE_SAMPLES_DIR to the job_bundles folder of a checkout of ' +
  'github.com/aws-deadline/deadline-cloud-samples to run its samples here';
if (!SAMPLES) console.log(`Deadline Cloud samples skipped: ${HOW}`);

const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
let coord: CoordinatorProcess | undefined;
let root = '';

afterAll(async () => {
  if (root) await cleanUp(slurm, root, coord);
});

async function cluster(): Promise<CoordinatorProcess> {
  if (!coord) {
    root = makeTempDir();
    coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
    await coord.start();
  }
  return coord;
}

/** Submits a sample unchanged with `params`; returns its job's directory once it succeeded. */
async function submitSample(
  sample: string,
  params: string[],
  envs: string[] = [],
): Promise<string> {
  const bundle = path.join(SAMPLES ?? '', sample);
  expect(existsSync(path.join(bundle, 'template.yaml')), `${bundle}/template.yaml: ${HOW}`).toBe(
    true,
  );
  const c = await cluster();
  const r = runCli([
    ...['submit', 'openjd', bundle, ...params.flatMap((p) => ['-p', p]), '--nodes', '1'],
    ...envs.flatMap((e) => ['--env', e]),
    ...['--state-dir', c.stateDir],
  ]);
  expect(r.code, r.stderr).toBe(0);
  const job = await c.waitFor(r.stdout.trim(), ended, 300_000);
  // the task logs say why a sample failed, where the job's error gives only the headline
  if (job.state !== 'succeeded') console.log(taskLogs(job.dir).join('\n---\n'));
  expect(job.state, job.error ?? '').toBe('succeeded');
  return job.dir;
}

describe.skipIf(!SAMPLES)('Deadline Cloud samples, unchanged', () => {
  it('blender_render renders its frames with Blender; ffmpeg_encode_video encodes them', async () => {
    const c = await cluster();
    const scene = await makeTinyScene(root);
    const frames = path.join(root, 'frames');
    await submitSample('blender_render', [
      ...[`BlenderSceneFile=${scene}`, `OutputDir=${frames}`, 'Frames=1-3', 'Format=PNG'],
    ]);
    expect(readdirSync(frames).sort()).toEqual([
      'output_0001.png',
      'output_0002.png',
      'output_0003.png',
    ]);
    const video = path.join(root, 'video');
    await submitSample('ffmpeg_encode_video', [
      ...[`InputDir=${frames}`, 'InputFilePattern=output_####.png', `OutputDir=${video}`],
      ...['StartFrame=1', 'EndFrame=3', 'EncodingPreset=ultrafast'],
    ]);
    const counted = execFileSync(
      'ffprobe',
      [
        ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
        ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0'],
        path.join(video, 'output.mp4'),
      ],
      { encoding: 'utf8' },
    );
    expect(Number(counted.trim())).toBe(3);
    expect(c.stateDir).not.toBe('');
  }, 600_000);

  it('job_env_vars: job and step environment variables reach the task', async () => {
    const dir = await submitSample('job_env_vars', ['ExampleParam=from the test']);
    const log = taskLogs(dir).join('\n');
    expect(log).toMatch(/ out: JOB_EXAMPLE_PARAM='from the test'$/m);
    expect(log).toMatch(/ out: JOB_PROJECT_ID=step-project-12$/m);
    expect(log).toMatch(/ out: STEP_VERBOSITY=HIGH$/m);
  }, 360_000);

  it('job_env_daemon_process: a step environment keeps a daemon that runs each task', async () => {
    // The sample signals its daemon without waiting for it to be ready; `python` here is a pyenv
    // shim that takes ~0.4 s to start (on a Deadline worker, a conda python starts at once), so
    // an environment puts the system python3 first on PATH as `python`, as a worker would have it.
    await cluster();
    const bin = path.join(root, 'fast-python');
    mkdirSync(bin, { recursive: true });
    if (!existsSync(path.join(bin, 'python')))
      symlinkSync('/usr/bin/python3', path.join(bin, 'python'));
    const env = path.join(bin, 'env.yaml');
    writeFileSync(
      env,
      stringify({
        specificationVersion: 'environment-2023-09',
        environment: {
          name: 'FastPython',
          script: {
            actions: { onEnter: { command: 'bash', args: ['{{Env.File.Enter}}'] } },
            embeddedFiles: [
              { name: 'Enter', type: 'TEXT', data: `echo "openjd_env: PATH=${bin}:$PATH"\n` },
            ],
          },
        },
      }),
    );
    const dir = await submitSample(
      'job_env_daemon_process',
      ['Frames=1-3', 'FailureRate=0'],
      [env],
    );
    const log = taskLogs(dir).join('\n');
    for (const f of [1, 2, 3])
      expect(log).toMatch(new RegExp(`Processing frame number ${f}$`, 'm'));
  }, 360_000);

  it('job_env_with_new_command: a job environment puts a new command on PATH', async () => {
    const dir = await submitSample('job_env_with_new_command', []);
    expect(taskLogs(dir).join('\n')).toMatch(/ out: Sleeping for duration \d+\.\d\d$/m);
  }, 360_000);

  it('simple_job: the EXPR bash action with repr_sh prints the message as given', async () => {
    const dir = await submitSample('simple_job', ["Message=it's $HOME; done"]);
    expect(taskLogs(dir).join('\n')).toMatch(/ out: it's \$HOME; done$/m);
  }, 360_000);
});
