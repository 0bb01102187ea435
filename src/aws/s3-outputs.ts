import { existsSync } from 'node:fs';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { listFiles } from '../util/fs.js';
import { jobOutputsPrefix } from './layout.js';
import { stageFiles, type StageOptions, type StageOutcome } from './s3-stage.js';

/**
 * Uploads a job's output directory to `cluster-tool/jobs/<job>/outputs/`, keeping relative paths.
 * Files already there with the same size and SHA-256 are skipped, so running it again after
 * more frames landed sends only the new ones. Partial files a killed renderer left
 * (`.partial-*`) and symbolic links are not uploaded.
 */
export async function uploadJobOutputs(
  s3: S3Client,
  bucket: string,
  jobId: string,
  outputDir: string,
  opts: StageOptions = {},
): Promise<StageOutcome[]> {
  const prefix = jobOutputsPrefix(jobId);
  if (!existsSync(outputDir)) return [];
  const items = listFiles(outputDir)
    .filter((rel) => !path.basename(rel).startsWith('.partial-'))
    .sort()
    .map((rel) => ({
      localPath: path.join(outputDir, rel),
      key: prefix + rel.split(path.sep).join('/'),
    }));
  return stageFiles(s3, bucket, items, opts);
}
