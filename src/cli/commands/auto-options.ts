import type { Argv } from 'yargs';
import { UsageError } from '../../errors.js';

/** Parses 30m / 2h / 90s / 45 (seconds). */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${text} is not a duration: use 90s, 30m or 2h`);
  return Math.round(Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] ?? 1));
}

/** The autoscaling bounds `--auto --min N --max M [--target-finish 30m]` ask for. */
export function autoSpec(argv: Record<string, unknown>): {
  min: number;
  max: number;
  targetFinishSeconds?: number;
} {
  const min = argv.min as number | undefined;
  const max = argv.max as number | undefined;
  if (min === undefined || max === undefined) throw new UsageError('--auto needs --min and --max');
  if (max < min) throw new UsageError(`--max (${max}) must be at least --min (${min})`);
  const target = argv['target-finish'] as string | undefined;
  return { min, max, ...(target ? { targetFinishSeconds: parseDuration(target) } : {}) };
}

/** Adds `--auto --min --max --target-finish` to a verb that submits a job. */
export function withAutoOptions<T>(y: Argv<T>) {
  return y
    .option('auto', { type: 'boolean', describe: 'Autoscale between --min and --max nodes' })
    .option('min', { type: 'number', describe: 'Autoscaling: fewest nodes' })
    .option('max', { type: 'number', describe: 'Autoscaling: most nodes' })
    .option('target-finish', {
      type: 'string',
      describe: 'Autoscaling: finish within this long (30m, 2h, 90s)',
    });
}
