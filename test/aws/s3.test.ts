import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobOutputsPrefix } from '../../src/aws/layout.js';
import { fetchPrefix } from '../../src/aws/s3-fetch.js';
import { fetchInput, inputPath, parseS3Uri } from '../../src/aws/s3-input.js';
import { stageFile, stageFiles } from '../../src/aws/s3-stage.js';
import { s3ClientOf, startS3Server } from '../helpers/s3-server.js';

// A real S3-compatible server on loopback (s3rver), with a real SDK client.
const BUCKET = 'ct-test-bucket';
let server: S3rver;
let s3: S3Client;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ct-s3-'));

beforeAll(async () => {
  let endpoint: string;
  ({ server, endpoint } = await startS3Server(tmp, BUCKET));
  s3 = s3ClientOf(endpoint);
});

afterAll(async () => {
  s3?.destroy();
  await server?.close();
});

describe('staging to S3', () => {
  it('uploads a small file, then skips it while it is unchanged, then uploads it again when it changes', async () => {
    const file = path.join(tmp, 'head-node.sh');
    writeFileSync(file, '#!/bin/bash\necho hi\n');
    const item = { localPath: file, key: 'cluster-tool/bootstrap/head-node.sh' };
    expect((await stageFile(s3, BUCKET, item)).action).toBe('uploaded');
    expect((await stageFile(s3, BUCKET, item)).action).toBe('skipped');
    writeFileSync(file, '#!/bin/bash\necho bye\n');
    expect((await stageFile(s3, BUCKET, item)).action).toBe('uploaded');
  });

  it('uploads a large file in parts with progress, and skips it the second time', async () => {
    const file = path.join(tmp, 'scene.blend');
    writeFileSync(file, randomBytes(12 * 1024 * 1024));
    const progress: number[] = [];
    const item = { localPath: file, key: 'cluster-tool/scenes/scene.blend' };
    const [first] = await stageFiles(s3, BUCKET, [item], {
      partSize: 5 * 1024 * 1024,
      onProgress: (_i, sent) => progress.push(sent),
    });
    expect(first?.action).toBe('uploaded');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...progress)).toBe(12 * 1024 * 1024);
    expect((await stageFile(s3, BUCKET, item)).action).toBe('skipped');
    // The object in the bucket is the file, byte for byte.
    const out = path.join(tmp, 'roundtrip');
    await fetchPrefix(s3, BUCKET, 'cluster-tool/scenes/', out);
    expect(readFileSync(path.join(out, 'scene.blend')).equals(readFileSync(file))).toBe(true);
  });

  it("fetches a job's outputs into a directory, keeping relative paths", async () => {
    const prefix = jobOutputsPrefix('job-42');
    for (const name of ['frames/0001.png', 'frames/0002.png', 'video.mp4']) {
      await s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: prefix + name, Body: `data ${name}` }),
      );
    }
    const out = path.join(tmp, 'job-42');
    const got = await fetchPrefix(s3, BUCKET, prefix, out);
    expect(got.map((g) => g.action)).toEqual(['downloaded', 'downloaded', 'downloaded']);
    expect(readFileSync(path.join(out, 'frames/0002.png'), 'utf8')).toBe('data frames/0002.png');
    expect((await fetchPrefix(s3, BUCKET, prefix, out)).every((g) => g.action === 'skipped')).toBe(
      true,
    );
  });

  it('refuses a job id that could escape its prefix', () => {
    expect(() => jobOutputsPrefix('../etc')).toThrow(/job id/);
  });
});

describe('fetching a staged input onto the head node', () => {
  it('downloads a staged scene once, keeps it while unchanged, and fetches it again when it changes', async () => {
    const file = path.join(tmp, 'input.blend');
    writeFileSync(file, 'BLENDER v1');
    await stageFile(s3, BUCKET, { localPath: file, key: 'cluster-tool/scenes/input.blend' });
    const uri = `s3://${BUCKET}/cluster-tool/scenes/input.blend`;
    const dir = path.join(tmp, 'inputs');
    const first = await fetchInput(s3, uri, dir);
    expect(first.action).toBe('downloaded');
    expect(first.file).toBe(path.join(dir, BUCKET, 'cluster-tool', 'scenes', 'input.blend'));
    expect(readFileSync(first.file, 'utf8')).toBe('BLENDER v1');
    expect((await fetchInput(s3, uri, dir)).action).toBe('kept');
    writeFileSync(file, 'BLENDER v2');
    await stageFile(s3, BUCKET, { localPath: file, key: 'cluster-tool/scenes/input.blend' });
    expect((await fetchInput(s3, uri, dir)).action).toBe('downloaded');
    expect(readFileSync(first.file, 'utf8')).toBe('BLENDER v2');
  });

  it('says what to do about a missing object, and refuses URIs that are malformed or escape', async () => {
    const dir = path.join(tmp, 'inputs');
    await expect(
      fetchInput(s3, `s3://${BUCKET}/cluster-tool/scenes/none.blend`, dir),
    ).rejects.toThrow(/does not exist: stage it first/);
    expect(() => parseS3Uri('/local/scene.blend')).toThrow(/expected s3:\/\/BUCKET\/KEY/);
    expect(() => parseS3Uri('s3://Bad_Bucket/x.blend')).toThrow(/s3:\/\/Bad_Bucket/);
    expect(() => parseS3Uri(`s3://${BUCKET}/scenes/`)).toThrow(/names a folder/);
    expect(() => inputPath(dir, `s3://${BUCKET}/../../etc/passwd`)).toThrow(/outside/);
  });
});
