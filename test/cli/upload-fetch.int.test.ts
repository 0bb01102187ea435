import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCliAsync } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess, ended } from '../helpers/coordinator.js';
import { cliEnvOf, startS3Server } from '../helpers/s3-server.js';

// What the head node does for `fetch --cluster`: `upload JOB` puts the job's outputs in the
// bucket, then `fetch` reads them back. S3 is a real S3-compatible server on loopback.
const BUCKET = 'ct-outputs-bucket';
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-upload-');
let server: S3rver;
let env: Record<string, string>;
let coord: CoordinatorProcess;

beforeAll(async () => {
  let endpoint: string;
  ({ server, endpoint } = await startS3Server(root, BUCKET));
  env = cliEnvOf(endpoint);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
});

afterAll(async () => {
  await server?.close();
  await cleanUp(slurm, root, coord);
});

const cli = (args: string[]) => runCliAsync([...args, '--state-dir', coord.stateDir], { env });
// fetch runs on the user's machine: no coordinator state there.
const fetch = (args: string[]) => runCliAsync(['fetch', ...args], { env });

describe("a job's outputs through S3", () => {
  it('uploads the whole files of a job from the head node, and fetch brings each back once', async () => {
    const tasks = path.join(root, 'tasks.jsonl');
    writeFileSync(tasks, '{"id":"a"}\n');
    const sub = await cli(['submit', 'command', '--tasks', tasks, '--command', '["true"]']);
    expect(sub.code, sub.stderr).toBe(0);
    const job = await coord.waitFor(sub.stdout.trim(), ended);
    // Frames and a video as a render leaves them, a partial file a killed renderer left, and a
    // link that points outside the job.
    mkdirSync(path.join(job.outputDir, 'thumbs'), { recursive: true });
    for (const f of [1, 2, 3])
      writeFileSync(path.join(job.outputDir, `frame_000${f}.png`), `png ${f}`);
    writeFileSync(path.join(job.outputDir, 'thumbs', 'frame_0001.jpg'), 'jpg');
    writeFileSync(path.join(job.outputDir, 'video.mp4'), 'mp4');
    writeFileSync(path.join(job.outputDir, '.partial-frame_0004.png'), 'half');
    symlinkSync('/etc/hostname', path.join(job.outputDir, 'outside'));

    const up = await cli(['upload', job.id, '--bucket', BUCKET]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain('5 file(s) uploaded');
    const again = await cli(['upload', job.id, '--bucket', BUCKET]);
    expect(again.stdout).toContain('0 file(s) uploaded, 5 unchanged');

    const out = path.join(root, 'fetched');
    const got = await fetch([job.id, '--bucket', BUCKET, '--out', out]);
    expect(got.code, got.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'frame_0001.png',
      'frame_0002.png',
      'frame_0003.png',
      'thumbs',
      'video.mp4',
    ]);
    expect(readFileSync(path.join(out, 'frame_0002.png'), 'utf8')).toBe('png 2');
    expect(existsSync(path.join(out, 'thumbs', 'frame_0001.jpg'))).toBe(true);
  });

  it('says to add --cluster when nothing was uploaded for a job', async () => {
    const r = await fetch(['job-none', '--bucket', BUCKET, '--out', path.join(root, 'x')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no outputs under .*add --cluster NAME/);
  });
});
