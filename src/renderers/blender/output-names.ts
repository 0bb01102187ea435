import { UsageError } from '../../errors.js';
import { MAX_FRAME_NUMBER } from './frames.js';
import { acceptedExtensions, formatExtension, type ImageFormat } from './formats.js';

/** Where a pattern came from: a request's `outputPattern`, the scene, or the default. */
export type PatternSource = 'request' | 'scene' | 'default';

/** A checked output pattern, relative to the output root. */
export interface OutputPattern {
  /** The pattern as written. */
  raw: string;
  source: PatternSource;
  /** Folders under the output root, in order (may be empty). */
  dirs: string[];
  /** The file-name part, `#` run included; '' when the pattern ends in `/`. */
  name: string;
  /** Set when the pattern was changed to fit under the root (the scene's absolute path). */
  note?: string;
}

/**
 * Frame file names from a checked output pattern, computed the way Blender 3.4 computes them
 * (`BLI_path_frame` in blender/blender source/blender/blenlib/intern/path_util.c,
 * `do_add_image_extension` in source/blender/blenkernel/intern/image_format.cc; the tests
 * compare with Blender's own `RenderSettings.frame_path`):
 *  - the last run of `#` in the file name becomes the frame, zero-padded to the run's length
 *    (`shot_##` → `shot_12`, `shot_#` → `shot_12`); `#` in folder names stays as it is;
 *  - a name without `#` gets four digits at its end (`shot` → `shot0012`, `render/` → `0012`);
 *  - then the extension: kept when it is already the format's (`.png`, `.jpg`/`.jpeg`, `.exr`,
 *    any case), replaced when it is another image format's, appended otherwise.
 */

/** Extensions Blender replaces rather than appends to (`imb_ext_image` in imbuf/intern/util.cc). */
const IMAGE_EXTENSIONS = new Set(
  ['png', 'tga', 'bmp', 'jpg', 'jpeg', 'sgi', 'rgb', 'rgba', 'tif', 'tiff', 'tx', 'jp2', 'j2c']
    .concat(['hdr', 'dds', 'dpx', 'cin', 'exr', 'psd', 'pdd', 'psb', 'webp'])
    .map((e) => `.${e}`),
);

/** One frame's file, relative to the output root with `/` separators. */
export interface PlannedFile {
  frame: number;
  name: string;
}

/** Blender's frame substitution: the last `#` run, or four digits appended. */
function withFrame(name: string, frame: number): string {
  const end = name.lastIndexOf('#') + 1;
  if (end === 0) return name + String(frame).padStart(4, '0');
  let start = end - 1;
  while (start > 0 && name[start - 1] === '#') start--;
  return name.slice(0, start) + String(frame).padStart(end - start, '0') + name.slice(end);
}

/** Blender's extension rule: keep the right one, replace another image one, else append. */
function withExtension(name: string, format: ImageFormat): string {
  const lower = name.toLowerCase();
  if (acceptedExtensions(format).some((e) => lower.endsWith(e))) return name;
  const dot = name.lastIndexOf('.');
  const ext = formatExtension(format);
  if (dot >= 0 && IMAGE_EXTENSIONS.has(lower.slice(dot))) return name.slice(0, dot) + ext;
  return name.replace(/\.+$/, '') + ext;
}

/** The file of `frame`, relative to the output root (`render/shot010_0012.png`). */
export function outputFileName(pattern: OutputPattern, frame: number, format: ImageFormat): string {
  if (!Number.isInteger(frame) || frame < 0 || frame > MAX_FRAME_NUMBER)
    throw new RangeError(`frame ${frame} is not a frame number`);
  return [...pattern.dirs, withExtension(withFrame(pattern.name, frame), format)].join('/');
}

/** Every frame's file, in the order given; throws if two frames would share one. */
export function planOutputFiles(
  pattern: OutputPattern,
  frames: readonly number[],
  format: ImageFormat,
): PlannedFile[] {
  const seen = new Map<string, number>();
  return frames.map((frame) => {
    const name = outputFileName(pattern, frame, format);
    const other = seen.get(name);
    if (other !== undefined && other !== frame)
      throw new UsageError(
        `output pattern ${JSON.stringify(pattern.raw)}: frames ${other} and ${frame} both write ${name}`,
      );
    seen.set(name, frame);
    return { frame, name };
  });
}
