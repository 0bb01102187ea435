import { existsSync, statSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { s3Client } from '../../aws/clients.js';
import { bootstrapKey, BOOTSTRAP_SCRIPTS, s3Uri, sceneKey } from '../../aws/layout.js';
import { stageFiles, type StageItem } from '../../aws/s3-stage.js';
import { renderBootstrapScripts } from '../../config/bootstrap.js';
import { checkBucketName } from '../../config/ids.js';
import { UsageError } from '../../errors.js';
import { listFiles } from '../../util/fs.js';

/** The upload plan: rendered bootstrap scripts, the package tarball, scenes. */
export function planStage(
  bucket: string,
  opts: { packageFile?: string; scenes?: string[] },
): StageItem[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-stage-'));
  const items: StageItem[] = Object.entries(renderBootstrapScripts({ bucket })).map(
    ([name, text]) => {
      const localPath = path.join(dir, name);
      writeFileSync(localPath, text, { mode: 0o600 });
      return { localPath, key: bootstrapKey(name) };
    },
  );
  if (opts.packageFile) {
    if (!existsSync(opts.packageFile))
      throw new UsageError(
        `--package ${opts.packageFile} does not exist (make it with \`npm pack\`)`,
      );
    items.push({
      localPath: opts.packageFile,
      key: bootstrapKey(BOOTSTRAP_SCRIPTS.packageTarball),
    });
  }
  for (const scene of opts.scenes ?? []) {
    if (!existsSync(scene)) throw new UsageError(`--scene ${scene} does not exist`);
    if (statSync(scene).isDirectory()) {
      const base = path.basename(path.resolve(scene));
      for (const rel of listFiles(scene))
        items.push({ localPath: path.join(scene, rel), key: sceneKey(path.join(base, rel)) });
    } else items.push({ localPath: scene, key: sceneKey(path.basename(scene)) });
  }
  return items;
}

/** `cluster-tool stage`: bootstrap scripts, the package and scenes to S3. */
export const stageCommand: CommandModule = {
  command: 'stage',
  describe: 'Upload the node bootstrap scripts, the cluster-tool package and scenes to S3',
  builder: (y) =>
    y
      .option('bucket', {
        type: 'string',
        demandOption: true,
        describe: 'S3 bucket (the one given to config init)',
      })
      .option('package', {
        type: 'string',
        describe: 'cluster-tool tarball from `npm pack` for the nodes to install',
      })
      .option('scene', {
        type: 'string',
        array: true,
        describe: 'Scene file or directory to upload (repeatable)',
      })
      .option('region', { type: 'string', describe: 'AWS region of the bucket' })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'List what would be uploaded',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
      .epilog(
        'Files already in the bucket with the same size and SHA-256 are skipped; large files go up in parts.',
      ),
  handler: async (argv) => {
    const bucket = argv.bucket as string;
    const bad = checkBucketName(bucket);
    if (bad) throw new UsageError(`--bucket: ${bad}`);
    const items = planStage(bucket, {
      packageFile: argv.package as string | undefined,
      scenes: argv.scene as string[] | undefined,
    });
    if (argv['dry-run']) {
      for (const i of items) process.stdout.write(`${i.localPath} -> ${s3Uri(bucket, i.key)}\n`);
      return;
    }
    const bar =
      process.stderr.isTTY && !argv.json
        ? new cliProgress.SingleBar(
            { format: '{bar} {percentage}% {key}' },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
    let current = '';
    const outcomes = await stageFiles(
      s3Client({ region: argv.region as string | undefined }),
      bucket,
      items,
      {
        onProgress: (item, sent, total) => {
          if (!bar) return;
          if (current !== item.key) {
            if (current) bar.stop();
            current = item.key;
            bar.start(Math.max(total, 1), 0, { key: item.key });
          }
          bar.update(sent, { key: item.key });
        },
      },
    );
    bar?.stop();
    if (argv.json) {
      process.stdout.write(
        `${JSON.stringify(
          outcomes.map((o) => ({ key: o.key, size: o.size, action: o.action })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    for (const o of outcomes)
      process.stdout.write(
        `${o.action === 'skipped' ? 'unchanged' : 'uploaded '} ${s3Uri(bucket, o.key)}\n`,
      );
  },
};
