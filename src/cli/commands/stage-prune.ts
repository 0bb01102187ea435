import type { Argv } from 'yargs';
import { s3Client } from '../../aws/clients.js';
import { UsageError } from '../../errors.js';
import { formatSize } from '../../renderers/blender/dependencies.js';
import { pruneContents } from '../../staging/prune.js';

/** `stage --prune [--days N]`: the shots' contents nothing recent names (staging/prune.ts). */
export function withPruneOptions<T>(y: Argv<T>) {
  return y
    .option('prune', {
      type: 'boolean',
      default: false,
      describe:
        "Delete the shots' files (cluster-tool/cas/) that no manifest of the last --days days names; nothing else is staged",
    })
    .option('days', {
      type: 'number',
      default: 30,
      describe: 'With --prune: how many days a manifest keeps the files it names',
    });
}

export const PRUNE_EPILOG =
  '--prune deletes the files `submit --cluster` staged for shots (cluster-tool/cas/) that no manifest of the last --days days names, keeping any sent within the last hour.';

/** `stage --prune`: what no recent manifest names goes (listed only, with --dry-run). */
export async function stagePrune(bucket: string, argv: Record<string, unknown>): Promise<void> {
  const days = argv.days as number;
  if (!Number.isFinite(days) || days < 0)
    throw new UsageError(`--days must be a number of days, 0 or more (got ${String(argv.days)})`);
  const s3 = s3Client({ region: argv.region as string | undefined });
  try {
    const r = await pruneContents(s3, bucket, { days, dryRun: argv['dry-run'] === true });
    if (argv.json) {
      process.stdout.write(
        `${JSON.stringify({ manifests: r.manifests, kept: r.kept, deleted: r.deleted.map((o) => ({ key: o.key, size: o.size })) }, null, 2)}\n`,
      );
      return;
    }
    const bytes = r.deleted.reduce((n, o) => n + o.size, 0);
    process.stdout.write(
      `${argv['dry-run'] ? 'would delete' : 'deleted'} ${r.deleted.length} file(s), ${formatSize(bytes)}, ` +
        `that no manifest of the last ${days} day(s) names (${r.manifests} manifest(s); ${r.kept} file(s) kept)\n`,
    );
  } finally {
    s3.destroy();
  }
}
