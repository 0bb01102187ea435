import { chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from './proc.js';
import { type Step } from './steps.js';
import {
  REPO,
  LOG,
  CLUSTER,
  BUCKET,
  FRAMES,
  shared,
  userDir,
  state,
  cli,
  must,
  uid,
} from './context.js';
import { REHEARSAL_CALLER_ARN } from './aws-doubles.js';

/** The user's side drives the cluster with --cluster: submit, scale, status, fetch, svox2. */
export const userSteps: Step[] = [
  {
    name: 'submit blender --cluster (the user, through SSM): the scene staged earlier, 24 frames on 1 node, owned by the AWS identity asking',
    run: async () => {
      const r = must(
        await cli([
          'submit',
          'blender',
          `s3://${BUCKET}/cluster-tool/scenes/shot.blend`,
          '--frames',
          `1-${FRAMES}`,
          '--nodes',
          '1',
          '--name',
          'rehearsal',
          '--cluster',
          CLUSTER,
        ]),
        'submit --cluster',
      );
      state.jobId = r.stdout.trim().split('\n').pop() ?? '';
      if (!/^[A-Za-z0-9._-]+$/.test(state.jobId))
        throw new Error(`submit printed no job id: ${r.stdout}`);
      // The head node ran the submit as the operator; the job is the caller's, by AWS identity.
      const shown = must(
        await cli(['status', state.jobId, '--json', '--cluster', CLUSTER]),
        'status --json --cluster',
      );
      const { owner } = JSON.parse(shown.stdout) as { owner: string | null };
      if (owner !== REHEARSAL_CALLER_ARN)
        throw new Error(
          `job ${state.jobId} is owned by ${owner ?? 'nobody'}, not ${REHEARSAL_CALLER_ARN}`,
        );
      return `job ${state.jobId}, owner ${owner}`;
    },
  },
  {
    name: 'scale --cluster: grow the running job to both compute nodes',
    run: async () => {
      const r = must(
        await cli(['scale', state.jobId, '--nodes', '2', '--cluster', CLUSTER]),
        'scale --cluster',
      );
      return (
        r.stdout
          .split('\n')
          .find((l) => /alloc|node/i.test(l))
          ?.trim() ?? 'grown'
      );
    },
  },
  {
    name: 'status --watch --cluster: followed with short remote reads until the job ends',
    run: async () => {
      must(
        await cli(['status', state.jobId, '--watch', '--cluster', CLUSTER], 900_000),
        'status --watch --cluster',
      );
      const r = must(
        await cli(['status', state.jobId, '--json', '--cluster', CLUSTER]),
        'status --json --cluster',
      );
      const job = JSON.parse(r.stdout) as {
        state: string;
        progress: { done: number; total: number };
        agents: { node: string }[];
        error: string | null;
      };
      if (job.state !== 'succeeded')
        throw new Error(`job ${state.jobId} ${job.state}: ${job.error ?? ''}`);
      const where = [...new Set(job.agents.map((a) => a.node))].sort();
      return `${job.progress.done}/${job.progress.total} frames; agents on ${where.join(', ')}`;
    },
  },
  {
    name: 'fetch --cluster: the head node uploads the outputs, the user downloads frames and MP4 from S3',
    run: async () => {
      const out = path.join(userDir, 'fetched');
      must(
        await cli(['fetch', state.jobId, '--cluster', CLUSTER, '--bucket', BUCKET, '--out', out]),
        'fetch --cluster',
      );
      const frames = readdirSync(out)
        .filter((f) => /^frame_\d{4}\.png$/.test(f))
        .sort();
      const want = Array.from(
        { length: FRAMES },
        (_, i) => `frame_${String(i + 1).padStart(4, '0')}.png`,
      );
      if (JSON.stringify(frames) !== JSON.stringify(want))
        throw new Error(`frames fetched: ${frames.join(' ')}`);
      const mp4 = readdirSync(out).find((f) => f.endsWith('.mp4'));
      if (!mp4) throw new Error('no MP4 among the fetched outputs');
      const count = must(
        await run(
          'ffprobe',
          [
            '-v',
            'error',
            '-count_frames',
            '-select_streams',
            'v:0',
            '-show_entries',
            'stream=nb_read_frames',
            '-of',
            'csv=p=0',
            path.join(out, mp4),
          ],
          { log: LOG },
        ),
        'ffprobe',
      );
      if (Number(count.stdout.trim()) !== FRAMES)
        throw new Error(`${mp4} has ${count.stdout.trim()} frames`);
      return `${frames.length} frames, each once; ${mp4} with ${FRAMES} frames`;
    },
  },
  {
    name: 'setup svox2 --cluster: the svox2 environment built once on a GPU node into /shared (svox2 double)',
    run: async () => {
      const tarball = path.join(userDir, 'svox2.tar');
      // A checkout as `git archive --prefix=svox2/` gives it: the double of svox2 (test/doubles).
      must(
        await run(
          'tar',
          [
            '-cf',
            tarball,
            '--exclude=__pycache__',
            '-C',
            path.join(REPO, 'test', 'doubles'),
            'svox2',
          ],
          { log: LOG },
        ),
        'tar svox2',
      );
      must(
        await cli(
          [
            'setup',
            'svox2',
            '--source',
            tarball,
            '--cluster',
            CLUSTER,
            '--bucket',
            BUCKET,
            '--wait',
          ],
          900_000,
        ),
        'setup svox2 --cluster',
      );
      const env = JSON.parse(
        readFileSync(path.join(shared, 'cluster-tool', 'svox2', 'environment.json'), 'utf8'),
      ) as { python: string; node: string };
      return `${env.python}, built on ${env.node}`;
    },
  },
  {
    name: 'submit plenoxels --cluster: a sweep trained with that environment, no --svox2 given',
    run: async () => {
      // The dataset is on the shared file system already (FSx or an earlier copy), the cluster
      // user's, as is where the sweep trains.
      for (const d of ['plenoxels', 'plenoxels/data', 'plenoxels/data/ship', 'plenoxels/ckpt']) {
        mkdirSync(path.join(shared, d), { recursive: true });
        chownSync(path.join(shared, d), uid(), uid());
      }
      const tasks = path.join(userDir, 'sweep.json');
      writeFileSync(
        tasks,
        JSON.stringify({
          data_root: '/shared/plenoxels/data/ship',
          train_root: '/shared/plenoxels/ckpt',
          variables: { lr_sigma: [5, 50] },
          tasks: [{ train_dir: 'lrs{lr_sigma}', flags: ['--lr_sigma', '{lr_sigma}'] }],
        }),
      );
      const r = must(
        await cli(
          [
            'submit',
            'plenoxels',
            tasks,
            '--cluster',
            CLUSTER,
            '--bucket',
            BUCKET,
            '--json',
            '--wait',
          ],
          900_000,
        ),
        'submit plenoxels --cluster',
      );
      const job = JSON.parse(r.stdout) as {
        state: string;
        spec: { python?: string };
        results?: { task: string; psnr: number | null }[];
      };
      if (job.state !== 'succeeded') throw new Error(`the sweep ${job.state}`);
      if (!job.spec.python?.endsWith('/svox2/venv/bin/python'))
        throw new Error(`the sweep ran with ${job.spec.python ?? 'no python'}`);
      return `${job.results?.length ?? 0} tasks trained with ${job.spec.python}`;
    },
  },
];
