import { open, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { isExr, type ImageFormat } from './formats.js';
import { fileSource, notWhole, type ByteSource, type ImageCheck } from './images/bytes.js';
import { checkExr } from './images/exr.js';
import { checkJpeg } from './images/jpeg.js';
import { checkPng } from './images/png.js';

/** What {@link wholeFrames} may also check and do. */
export interface WholeFramesOptions {
  /** The image size the job renders at; a file of another size is not whole (settings changed). */
  size?: [number, number];
  /** Remove the `.partial-*` files left in the names' folders by killed renders; default true. */
  removePartials?: boolean;
}

/** Which of the expected files are already there, whole. Names are as given, relative to `dir`. */
export interface FrameScan {
  whole: string[];
  missing: string[];
  /** Present but not whole (cut short, another format, another size), with why. */
  broken: { name: string; reason: string }[];
  /** `.partial-*` files found beside them (removed unless asked not to). */
  partials: string[];
}

/** Reads the file's head and tail as the format asks; never the pixel data. */
export function checkImage(src: ByteSource, format: ImageFormat): Promise<ImageCheck> {
  if (format === 'PNG') return checkPng(src);
  if (format === 'JPEG') return checkJpeg(src);
  if (isExr(format)) return checkExr(src);
  return Promise.resolve(notWhole(`no check for ${String(format)}`));
}

/** Whether an image file is there and whole (and of `size` when given), or "missing". */
export async function checkImageFile(
  file: string,
  format: ImageFormat,
  size: [number, number] | undefined,
): Promise<ImageCheck | 'missing'> {
  const st = await stat(file).catch(() => undefined);
  if (!st) return 'missing';
  if (!st.isFile()) return notWhole('not a regular file');
  const handle = await open(file, 'r');
  try {
    const found = await checkImage(fileSource(handle, st.size), format);
    if (found.whole && size && found.width !== undefined && found.height !== undefined) {
      if (found.width !== size[0] || found.height !== size[1])
        return notWhole(`is ${found.width}×${found.height}, the job renders ${size[0]}×${size[1]}`);
    }
    return found;
  } finally {
    await handle.close();
  }
}

function inside(dir: string, name: string): string {
  const file = path.resolve(dir, name);
  const rel = path.relative(dir, file);
  if (path.isAbsolute(name) || rel === '' || rel.startsWith('..') || path.isAbsolute(rel))
    throw new UsageError(`frame file ${JSON.stringify(name)} is not inside ${dir}`);
  return file;
}

async function partialsIn(dir: string, folders: Set<string>, remove: boolean): Promise<string[]> {
  const found: string[] = [];
  for (const folder of folders) {
    const names = await readdir(path.join(dir, folder)).catch(() => [] as string[]);
    for (const n of names.filter((x) => x.startsWith('.partial-'))) {
      const rel = folder === '' ? n : `${folder}/${n}`;
      if (remove) await rm(path.join(dir, rel), { force: true });
      found.push(rel);
    }
  }
  return found;
}

/**
 * Says which of `names` (files under `dir`, as planOutputFiles gives them) already hold a whole
 * image of `format`, so a resumed job renders only the others. "Whole" is what images/*.ts
 * check: PNG signature, IHDR and a closing IEND; JPEG SOI and a closing EOI; EXR magic, a
 * readable header and every chunk of the offset table inside the file; and, with `size`, the
 * size read from the file. Pixel data is not read. `.partial-*` files are never counted.
 */
export async function wholeFrames(
  dir: string,
  names: readonly string[],
  format: ImageFormat,
  opts: WholeFramesOptions = {},
): Promise<FrameScan> {
  const root = path.resolve(dir);
  const scan: FrameScan = { whole: [], missing: [], broken: [], partials: [] };
  const files = names.map((n) => inside(root, n));
  const results: (ImageCheck | 'missing')[] = new Array<ImageCheck | 'missing'>(names.length);
  // A few at a time: shared file systems answer many small reads slowly, not many at once.
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++)
      results[i] = await checkImageFile(files[i] as string, format, opts.size);
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
  names.forEach((name, i) => {
    const r = results[i] as ImageCheck | 'missing';
    if (r === 'missing') scan.missing.push(name);
    else if (r.whole) scan.whole.push(name);
    else scan.broken.push({ name, reason: r.reason });
  });
  const folders = new Set(files.map((f) => path.relative(root, path.dirname(f))));
  scan.partials = await partialsIn(root, folders, opts.removePartials ?? true);
  return scan;
}
