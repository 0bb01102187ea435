import { runCommand } from '../process/run.js';

// GNU tar: the same inputs give the same bytes, so `stage` finds an unchanged bundle in the
// bucket and skips the upload.
const REPRODUCIBLE = ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner'];

/** `tar` of `names` under `dir`, gzip-compressed when `gzip` (without a timestamp). */
export async function makeTar(
  out: string,
  dir: string,
  names: string[],
  o: { gzip?: boolean } = {},
): Promise<void> {
  await runCommand(
    'tar',
    [...REPRODUCIBLE, ...(o.gzip ? ['-I', 'gzip -n'] : []), '-cf', out, '-C', dir, '--', ...names],
    { timeoutMs: 600_000, missingHint: 'stage needs GNU tar (Linux).' },
  );
}

/** Extracts a tarball (any compression) into `dir`, dropping `strip` leading path parts. */
export async function extractTar(
  file: string,
  dir: string,
  o: { strip?: number } = {},
): Promise<void> {
  await runCommand(
    'tar',
    ['-xf', file, '-C', dir, ...(o.strip ? [`--strip-components=${o.strip}`] : [])],
    { timeoutMs: 600_000 },
  );
}

/** One member's bytes as text. */
export async function readTarMember(file: string, member: string): Promise<string> {
  const r = await runCommand('tar', ['-xOf', file, '--', member], { timeoutMs: 120_000 });
  return r.stdout;
}
