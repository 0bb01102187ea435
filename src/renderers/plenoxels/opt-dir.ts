import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { FileProbe } from '../../util/file-probe.js';

/** The directory opt.py and render_imgs.py are run from (relative configs are taken from it). */
export function resolveOptDir(svox2Dir: string, files: Pick<FileProbe, 'isFile'>): string {
  const candidates = [path.join(svox2Dir, 'opt'), svox2Dir];
  const dir = candidates.find((d) => files.isFile(path.join(d, 'opt.py')));
  if (!dir)
    throw new UsageError(
      `--svox2 ${svox2Dir}: no opt.py in it or in its opt/ directory; give the svox2 checkout`,
    );
  return dir;
}
