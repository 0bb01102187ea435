import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BlenderWorker } from '../../src/renderers/blender/worker.js';
import { readPng } from '../../test/renderers/blender/png-read.js';
import { run } from './proc.js';
import { type Step } from './steps.js';
import { REPO, LOG, CLUSTER, BUCKET, userDir, state, cli, must } from './context.js';

/**
 * A production shot from the user's laptop with `--cluster`: the scene's textures in a folder,
 * UDIM tiles, a sequence, an absolute-path texture, a library that links another, a packed
 * image (make-deps-scenes.py). It goes up by content; the frames the cluster renders equal, pixel
 * for pixel, a render here with the files in place; the same shot again sends none of its files
 * (counted by the S3 server); with one texture gone, submit refuses and names it.
 */

const dir = path.join(userDir, 'production');
const scene = path.join(dir, 'project', 'shot.blend');
const FRAMES = [1, 2];
let jobId = '';

const received = () => {
  if (!state.s3) throw new Error('the S3 server is not counting');
  return { cas: state.s3.casBytes, all: state.s3.bytes };
};

const submit = (extra: string[]) =>
  cli(
    [
      'submit',
      'blender',
      scene,
      '--frames',
      FRAMES.join(','),
      '--nodes',
      '1',
      '--cluster',
      CLUSTER,
      '--bucket',
      BUCKET,
      ...extra,
    ],
    900_000,
  );

/** Every pixel of `a` equals `b`'s (RGB; alpha too when both have it). */
function samePixels(a: string, b: string): string | undefined {
  const x = readPng(a);
  const y = readPng(b);
  if (x.width !== y.width || x.height !== y.height)
    return `${x.width}×${x.height} and ${y.width}×${y.height}`;
  const channels = Math.min(x.channels, y.channels);
  for (let j = 0; j < x.height; j += 1)
    for (let i = 0; i < x.width; i += 1) {
      const p = x.pixel(i, j).slice(0, channels);
      const q = y.pixel(i, j).slice(0, channels);
      if (p.some((v, k) => v !== q[k])) return `pixel ${i},${j}: ${p.join(',')} vs ${q.join(',')}`;
    }
  return undefined;
}

export const shotSteps: Step[] = [
  {
    name: 'submit blender --cluster, a production shot: the scene and every file it reads go up by content; frames equal a render here per pixel',
    run: async () => {
      must(
        await run(
          'blender',
          [
            '-b',
            '--factory-startup',
            '-P',
            path.join(REPO, 'test', 'renderers', 'blender', 'make-deps-scenes.py'),
            '--',
            '--dir',
            dir,
          ],
          { log: LOG, timeoutMs: 180_000 },
        ),
        'make-deps-scenes.py',
      );
      const reference = path.join(userDir, 'production-here');
      const worker = new BlenderWorker({ scene, device: 'cpu' });
      try {
        await worker.start();
        for (const f of FRAMES)
          await worker.render(f, path.join(reference, `frame_${String(f).padStart(4, '0')}.png`));
      } finally {
        await worker.stop();
      }
      const before = received();
      const r = must(
        await submit(['--name', 'production', '--wait', '--json']),
        'submit --cluster',
      );
      const job = JSON.parse(r.stdout) as { id: string; state: string; error: string | null };
      if (job.state !== 'succeeded')
        throw new Error(`job ${job.id} ${job.state}: ${job.error ?? ''}`);
      jobId = job.id;
      const sent = received().cas - before.cas;
      const out = path.join(userDir, 'production-fetched');
      must(
        await cli(['fetch', jobId, '--cluster', CLUSTER, '--bucket', BUCKET, '--out', out]),
        'fetch --cluster',
      );
      const frames = readdirSync(out)
        .filter((f) => /\.png$/.test(f))
        .sort();
      if (frames.length !== FRAMES.length) throw new Error(`frames fetched: ${frames.join(' ')}`);
      for (const [i, f] of FRAMES.entries()) {
        const mine = path.join(reference, `frame_${String(f).padStart(4, '0')}.png`);
        const theirs = path.join(out, frames[i] ?? '');
        const differs = samePixels(mine, theirs);
        if (differs) throw new Error(`${frames[i]} differs from the render here: ${differs}`);
      }
      return `job ${jobId}: ${frames.length} frames equal per pixel; ${sent} bytes of the shot's files received by S3`;
    },
  },
  {
    name: 'submit --cluster the same shot again: 0 bytes of its files sent (counted by the S3 server)',
    run: async () => {
      const before = received();
      const r = must(
        await submit(['--name', 'production-again', '--overwrite', '--wait', '--json']),
        'submit --cluster again',
      );
      const job = JSON.parse(r.stdout) as { id: string; state: string };
      if (job.state !== 'succeeded') throw new Error(`job ${job.id} ${job.state}`);
      const after = received();
      if (after.cas !== before.cas)
        throw new Error(`S3 received ${after.cas - before.cas} bytes of the shot's files again`);
      return `job ${job.id}; 0 bytes of the shot's files; ${after.all - before.all} bytes in all (manifest, HEADs, the commands)`;
    },
  },
  {
    name: 'submit --cluster with one texture removed: refused, naming it; nothing sent',
    run: async () => {
      const texture = path.join(dir, 'project', 'tex', 'checker.png');
      rmSync(texture);
      if (existsSync(texture)) throw new Error(`could not remove ${texture}`);
      const before = received();
      const r = await submit([]);
      if (r.code !== 2) throw new Error(`submit exited ${r.code}: ${r.stderr.trim()}`);
      const named = `image "checker": //tex/checker.png → ${texture}`;
      if (!r.stderr.includes(named))
        throw new Error(`the refusal does not name it: ${r.stderr.trim()}`);
      const after = received();
      if (after.all !== before.all)
        throw new Error(`S3 received ${after.all - before.all} bytes for a refused submit`);
      return r.stderr.trim().split('\n').slice(0, 2).join(' ');
    },
  },
];
