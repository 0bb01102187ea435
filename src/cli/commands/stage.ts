import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { CommandModule } from 'yargs';
import { s3Client } from '../../aws/clients.js';
import { bootstrapKey, BOOTSTRAP_SCRIPTS, s3Uri, sceneKey } from '../../aws/layout.js';
import { stageFiles, type StageItem } from '../../aws/s3-stage.js';
import { buildBundle, type BundleInputs } from '../../bundle/build.js';
import type { BundleInfo } from '../../bundle/manifest.js';
import { readBundle } from '../../bundle/read.js';
import { renderBootstrapScripts } from '../../config/bootstrap.js';
import { checkBucketName } from '../../config/ids.js';
import { NODE_RUNTIME_VALUES, type NodeRuntime } from '../../config/os-support.js';
import { UsageError } from '../../errors.js';
import { listFiles } from '../../util/fs.js';
import { PRUNE_EPILOG, stagePrune, withPruneOptions } from './stage-prune.js';

/** The upload plan: the bundle and the scripts rendered for it (when given), then scenes. */
export function planStage(
  bucket: string,
  opts: { bundle?: BundleInfo; scenes?: string[]; scriptDir?: string },
): StageItem[] {
  const items: StageItem[] = [];
  if (opts.bundle) {
    const dir = opts.scriptDir ?? mkdtempSync(path.join(os.tmpdir(), 'ct-stage-'));
    items.push({ localPath: opts.bundle.file, key: bootstrapKey(BOOTSTRAP_SCRIPTS.bundle) });
    for (const [name, text] of Object.entries(
      renderBootstrapScripts({ bucket, bundle: opts.bundle }),
    )) {
      const localPath = path.join(dir, name);
      writeFileSync(localPath, text, { mode: 0o600 });
      items.push({ localPath, key: bootstrapKey(name) });
    }
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

/**
 * The bundle to stage: `--bundle FILE` as it is when no tarball is given, else one built from
 * the tarballs (into FILE when given, to keep for the next stage).
 */
async function bundleFor(argv: Record<string, unknown>, tmp: string): Promise<BundleInfo> {
  const inputs: BundleInputs = {
    nodeTarball: argv['node-tarball'] as string | undefined,
    nodeRuntime: argv['node-runtime'] as NodeRuntime | undefined,
    blenderTarball: argv['blender-tarball'] as string | undefined,
    ffmpegTarball: argv['ffmpeg-tarball'] as string | undefined,
    log: (line) => process.stderr.write(`· ${line}\n`),
  };
  const given = argv.bundle as string | undefined;
  const building = inputs.nodeTarball || inputs.blenderTarball || inputs.ffmpegTarball;
  if (given && existsSync(given) && !building) return readBundle(given);
  const info = await buildBundle(inputs, given ?? path.join(tmp, 'bundle.tar'));
  const m = info.manifest;
  for (const [name, p] of [
    ['Blender', m.blender],
    ['ffmpeg', m.ffmpeg],
  ] as const)
    if (!p)
      process.stderr.write(
        `· no ${name} in the bundle: compute nodes use one already on their image, if any (--${name.toLowerCase()}-tarball adds it)\n`,
      );
  return info;
}

/** `cluster-tool stage`: the bundle, the bootstrap scripts rendered for it, and scenes, to S3. */
export const stageCommand: CommandModule = {
  command: 'stage',
  describe:
    'Upload what the nodes install (one bundle: the tool, Node.js, Blender, ffmpeg), the bootstrap scripts, and scenes to S3',
  builder: (y) =>
    withPruneOptions(y)
      .option('bucket', {
        type: 'string',
        demandOption: true,
        describe: 'S3 bucket (the one given to config init)',
      })
      .option('node-tarball', {
        type: 'string',
        describe:
          "Node.js for the nodes: nodejs.org's node-vX-linux-x64.tar.xz, or a linux-x64-glibc-217 build",
        defaultDescription: "this machine's Node.js",
      })
      .option('node-runtime', {
        choices: NODE_RUNTIME_VALUES,
        describe: 'Which build --node-tarball is',
        defaultDescription: 'from its name and binary',
      })
      .option('blender-tarball', {
        type: 'string',
        describe: 'Blender for the compute nodes (blender-X-linux-x64.tar.xz)',
      })
      .option('ffmpeg-tarball', {
        type: 'string',
        describe: 'ffmpeg for the compute nodes: a static build with ffmpeg and ffprobe',
      })
      .option('bundle', {
        type: 'string',
        describe:
          'Bundle file: built here (and kept) when a tarball is given, else an existing one staged as it is',
      })
      .option('scene', {
        type: 'string',
        array: true,
        describe: 'Scene file or directory to upload (repeatable); alone, only scenes go up',
      })
      .option('region', { type: 'string', describe: 'AWS region of the bucket' })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        describe: 'List what would be uploaded (builds the bundle)',
      })
      .option('json', { type: 'boolean', default: false, describe: 'Print the result as JSON' })
      .epilog(
        "Runs on Linux x86_64 with Node.js, npm and GNU tar: the tool's native modules are built for the Node.js running stage, which must have the major version of the staged one. " +
          'Files already in the bucket with the same size and SHA-256 are skipped; large files go up in parts. ' +
          PRUNE_EPILOG,
      ),
  handler: async (argv) => {
    const bucket = argv.bucket as string;
    const bad = checkBucketName(bucket);
    if (bad) throw new UsageError(`--bucket: ${bad}`);
    if (argv.prune) {
      await stagePrune(bucket, argv);
      return;
    }
    const scenes = argv.scene as string[] | undefined;
    const onlyScenes =
      scenes?.length &&
      !argv.bundle &&
      !argv['node-tarball'] &&
      !argv['blender-tarball'] &&
      !argv['ffmpeg-tarball'];
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ct-stage-'));
    try {
      const bundle = onlyScenes ? undefined : await bundleFor(argv, tmp);
      const items = planStage(bucket, { bundle, scenes, scriptDir: tmp });
      if (argv['dry-run']) {
        for (const i of items) process.stdout.write(`${i.localPath} -> ${s3Uri(bucket, i.key)}\n`);
        return;
      }
      const outcomes = await upload(bucket, items, argv);
      if (argv.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              bundle: bundle && { sha256: bundle.sha256, size: bundle.size, ...bundle.manifest },
              files: outcomes.map((o) => ({ key: o.key, size: o.size, action: o.action })),
            },
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
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

async function upload(bucket: string, items: StageItem[], argv: Record<string, unknown>) {
  const bar =
    process.stderr.isTTY && !argv.json
      ? new cliProgress.SingleBar(
          { format: '{bar} {percentage}% {key}' },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  let current = '';
  const s3 = s3Client({ region: argv.region as string | undefined });
  try {
    return await stageFiles(s3, bucket, items, {
      onProgress: (item, sent, total) => {
        if (!bar) return;
        if (current !== item.key) {
          if (current) bar.stop();
          current = item.key;
          bar.start(Math.max(total, 1), 0, { key: item.key });
        }
        bar.update(sent, { key: item.key });
      },
    });
  } finally {
    bar?.stop();
    s3.destroy();
  }
}
