import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stageFile } from '../../src/aws/s3-stage.js';
import type { JobDetail } from '../../src/api/types.js';
import { ensureSampleScene } from '../../src/renderers/blender/sample-scene.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { runCliAsync } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess } from '../helpers/coordinator.js';
import { cliEnvOf, s3ClientOf, startS3Server } from '../helpers/s3-server.js';

// What a head node does with `cluster-tool submit ... s3://...` (the command line --cluster sends
// after staging): fetch the file onto the shared file system, then submit as usual. S3 is a real
// S3-compatible server on loopback.
const BUCKET = 'ct-inputs-bucket';
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-s3-inputs-');
let server: S3rver;
let s3: S3Client;
let env: Record<string, string>;
let coord: CoordinatorProcess;

beforeAll(async () => {
  let endpoint: string;
  ({ server, endpoint } = await startS3Server(root, BUCKET));
  s3 = s3ClientOf(endpoint);
  env = cliEnvOf(endpoint);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
});

afterAll(async () => {
  s3?.destroy();
  await server?.close();
  await cleanUp(slurm, root, coord);
});

// Not the blocking runCli: the S3 server runs in this process and must answer meanwhile.
const cli = (args: string[]) => runCliAsync([...args, '--state-dir', coord.stateDir], { env });
const inputs = () => path.join(coord.stateDir, 'inputs', BUCKET);

describe('submitting files staged in S3', () => {
  it('fetches a staged scene into the state directory and plans the render from there', async () => {
    const scene = await ensureSampleScene(path.join(root, 'local', 'shot 1.blend'), { frames: 4 });
    await stageFile(s3, BUCKET, { localPath: scene, key: 'cluster-tool/scenes/shot 1.blend' });
    const uri = `s3://${BUCKET}/cluster-tool/scenes/shot 1.blend`;
    const r = await cli(['submit', 'blender', uri, '--frames', '1-2', '--dry-run', '--json']);
    expect(r.stderr).toContain('fetched');
    expect(r.code).toBe(0);
    const fetched = path.join(inputs(), 'cluster-tool', 'scenes', 'shot 1.blend');
    const plan = JSON.parse(r.stdout) as { tasks: { payload: { scene?: string } }[] };
    expect(plan.tasks[0]?.payload.scene).toBe(fetched);
    expect(readFileSync(fetched).equals(readFileSync(scene))).toBe(true);
    const again = await cli(['submit', 'blender', uri, '--frames', '1-2', '--dry-run', '--json']);
    expect(again.stderr).toContain('already here');
  });

  it('runs a command job whose task list was staged, on the cluster', async () => {
    const tasks = path.join(root, 'local', 'tasks.jsonl');
    writeFileSync(tasks, '{"id":"a","word":"one"}\n{"id":"b","word":"two"}\n');
    await stageFile(s3, BUCKET, { localPath: tasks, key: 'cluster-tool/scenes/tasks.jsonl' });
    const r = await cli([
      'submit',
      'command',
      '--tasks',
      `s3://${BUCKET}/cluster-tool/scenes/tasks.jsonl`,
      '--command',
      '["echo","{word}"]',
      '--nodes',
      '1',
      '--gpus-per-node',
      '2',
    ]);
    expect(r.code).toBe(0);
    const done = await coord.waitFor(r.stdout.trim(), (j: JobDetail) => j.state !== 'running');
    expect(done.state).toBe('succeeded');
    expect(done.results?.map((x) => [x.task, x.state])).toEqual([
      ['a', 'done'],
      ['b', 'done'],
    ]);
  });

  it('says a missing object must be staged first, and creates no job', async () => {
    const before = (await coord.api<unknown[]>('GET', '/api/jobs')).length;
    const r = await cli([
      'submit',
      'blender',
      `s3://${BUCKET}/cluster-tool/scenes/none.blend`,
      '--frames',
      '1',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/none\.blend does not exist: stage it first/);
    expect((await coord.api<unknown[]>('GET', '/api/jobs')).length).toBe(before);
  });
});
