import {
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { casKey } from '../../src/aws/layout.js';
import { runCommand } from '../../src/process/run.js';
import { BlenderWorker } from '../../src/renderers/blender/worker.js';
import { probeScene } from '../../src/renderers/blender/scene-info.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { stageSceneForCluster } from '../../src/staging/cluster-shot.js';
import { HashCache } from '../../src/staging/hash-cache.js';
import { pruneContents } from '../../src/staging/prune.js';
import { REMAP_SUFFIX } from '../../src/staging/remap.js';
import { stageShot } from '../../src/staging/stage-shot.js';
import { unpackShot } from '../../src/staging/unpack-shot.js';
import { runCliAsync } from '../helpers/cli.js';
import { cleanUp, CoordinatorProcess } from '../helpers/coordinator.js';
import { cliEnvOf, s3ClientOf, startS3Server } from '../helpers/s3-server.js';
import { diffImages } from '../renderers/blender/image-diff.js';

// A shot as a laptop sends it with `--cluster` (the scenes of make-deps-scenes.py: textures in a
// folder, UDIM tiles, a sequence, an absolute-path texture, a library linking another), to a
// real S3-compatible server on loopback, and laid out again where a head node would, with the
// laptop's copy moved away: the real Blender renders it the same, pixel for pixel.

const BUCKET = 'ct-shots-bucket';
const slurmConf = inject('slurmConf');
const slurm = new SlurmClient({ slurmConf });
const root = mkdtempSync('/tmp/ct-shot-');
const laptop = path.join(root, 'laptop');
const shot = path.join(laptop, 'project', 'shot.blend');
const cacheFile = path.join(root, 'cache', 'sha256.json');
let server: S3rver;
let s3: S3Client;
let env: Record<string, string>;
let coord: CoordinatorProcess;

beforeAll(async () => {
  const script = path.join(
    import.meta.dirname,
    '..',
    'renderers',
    'blender',
    'make-deps-scenes.py',
  );
  await runCommand('blender', ['-b', '--factory-startup', '-P', script, '--', '--dir', laptop], {
    timeoutMs: 120_000,
  });
  let endpoint: string;
  ({ server, endpoint } = await startS3Server(path.join(root, 's3'), BUCKET));
  s3 = s3ClientOf(endpoint);
  env = cliEnvOf(endpoint);
  coord = new CoordinatorProcess(path.join(root, 'state'), slurmConf);
  await coord.start();
}, 240_000);

afterAll(async () => {
  s3?.destroy();
  await server?.close();
  await cleanUp(slurm, root, coord);
});

async function renderFrame1(scene: string, out: string): Promise<string> {
  const worker = new BlenderWorker({ scene, device: 'cpu' });
  try {
    await worker.start();
    return (await worker.render(1, out)).file;
  } finally {
    await worker.stop();
  }
}

const stage = async () =>
  stageShot(s3, BUCKET, shot, (await probeScene(shot)).dependencies, {
    cache: HashCache.open(cacheFile),
    partSize: 5 * 1024 * 1024,
  });

describe('a shot staged by content', () => {
  let manifestUri = '';

  it('sends the scene and every file it reads, and lays them out to render the same without the originals', async () => {
    const reference = await renderFrame1(shot, path.join(root, 'frames', 'local.png'));
    const staged = await stage();
    manifestUri = staged.uri;
    // shot, 2 libraries, checker, 2 UDIM tiles, 3 frames, abs, lib.png, inner.png
    expect(staged.files).toBe(12);
    expect(staged.sent.files).toBeGreaterThan(0);
    expect(staged.hashed).toBe(12);
    const key = staged.uri.slice(`s3://${BUCKET}/`.length);
    const head = await unpackShot(s3, BUCKET, key, path.join(root, 'head'));
    const shotDir = path.dirname(path.dirname(head.scene));
    expect(head.scene).toBe(path.join(shotDir, 'project', 'shot.blend'));
    expect(readFileSync(path.join(shotDir, 'project', 'tex', 'wood.1002.png'))).toEqual(
      readFileSync(path.join(laptop, 'project', 'tex', 'wood.1002.png')),
    );
    expect(JSON.parse(readFileSync(head.scene + REMAP_SUFFIX, 'utf8'))).toEqual({
      version: 1,
      dirs: { [path.join(laptop, 'abs')]: path.join(shotDir, 'abs') },
    });
    renameSync(laptop, `${laptop}-away`); // nothing of the laptop's copy can be read now
    try {
      const probe = await probeScene(head.scene);
      expect(probe.dependencies).toHaveLength(11);
      for (const d of probe.dependencies) {
        expect(d.exists).toBe(true);
        expect(d.file.startsWith(shotDir + path.sep)).toBe(true);
      }
      const remote = await renderFrame1(head.scene, path.join(root, 'frames', 'staged.png'));
      const diff = await diffImages(reference, remote);
      expect(diff.max).toBe(0);
    } finally {
      renameSync(`${laptop}-away`, laptop);
    }
    // The .blend the user made is not touched.
    expect(existsSync(shot + REMAP_SUFFIX)).toBe(false);
  });

  it('sends nothing and hashes nothing the second time; one changed texture sends one file', async () => {
    const again = await stage();
    expect(again.uri).toBe(manifestUri);
    expect(again.sent).toEqual({ files: 0, bytes: 0 });
    expect(again.hashed).toBe(0);
    const checker = path.join(laptop, 'project', 'tex', 'checker.png');
    const before = readFileSync(checker);
    writeFileSync(checker, Buffer.concat([before, Buffer.from('changed')]));
    const changed = await stage();
    expect(changed.sent).toEqual({ files: 1, bytes: statSync(checker).size });
    expect(changed.hashed).toBe(1);
    expect(changed.uri).not.toBe(manifestUri);
    writeFileSync(checker, before);
  });

  it('the head node submits from the manifest: the plan finds every file laid out', async () => {
    const r = await runCliAsync(
      [
        'submit',
        'blender',
        manifestUri,
        '--frames',
        '1',
        '--dry-run',
        '--json',
        '--state-dir',
        coord.stateDir,
      ],
      { env },
    );
    expect(r.stderr).toContain('shot laid out: 12 file(s)');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { tasks: { payload: { scene?: string } }[] };
    expect(plan.tasks[0]?.payload.scene).toMatch(
      new RegExp(`/inputs/${BUCKET}/shots/[0-9a-f]{64}/project/shot\\.blend$`),
    );
  });

  it('refuses a shot with a missing texture before sending anything, naming it', async () => {
    const lib = path.join(laptop, 'project', 'libs', 'ltex', 'lib.png');
    renameSync(lib, `${lib}.away`);
    try {
      await expect(stageSceneForCluster(shot, BUCKET, {})).rejects.toThrow(
        /nothing was sent: the scene needs 1 file\(s\) that are missing:\n {2}image "lib" from library \/\/libs\/lib\.blend: \/\/ltex\/lib\.png/,
      );
    } finally {
      renameSync(`${lib}.away`, lib);
    }
  });

  it('--prune deletes the contents no recent manifest names, and keeps the named ones', async () => {
    const stray = 'f'.repeat(64);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: casKey(stray), Body: 'x' }));
    const later = new Date(Date.now() + 2 * 60 * 60 * 1000);
    const r = await pruneContents(s3, BUCKET, { days: 30, now: later });
    expect(r.deleted.map((o) => o.key)).toEqual([casKey(stray)]);
    expect(r.manifests).toBe(2);
    const again = await stage();
    expect(again.sent.files).toBe(0);
  });
});
