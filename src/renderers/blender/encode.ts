import { existsSync } from 'node:fs';
import { mkdtemp, open, rename, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { runCommand } from '../../process/run.js';
import { formatFrames, frameFileName } from './frames.js';
import { fileSource } from './images/bytes.js';
import { exrChannels } from './images/exr.js';

const FFMPEG_HINT = 'Install ffmpeg (apt-get install ffmpeg).';
// Blender's EXR frames are linear light; without an sRGB curve the video comes out dark.
const EXR_INPUT = ['-apply_trc', 'iec61966_2_1'];

/** What to encode: frames named by `frameFileName` in `framesDir`, or the `files` listed. */
export interface EncodeOptions {
  framesDir: string;
  /** Frame numbers in playback order; gaps are fine (`1-240x2`). */
  frames: readonly number[];
  /** Each frame's file, in the order of `frames` (named by an output pattern); default found in
   * `framesDir` by frameFileName. */
  files?: readonly string[];
  /** Frames per second: a number, or a ratio ffmpeg reads (`30000/1001`), e.g. fps/fps_base. */
  fps: number | string;
  /** The .mp4 to write; replaced if it exists. */
  output: string;
  /** Default 30 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Which file holds each frame: the PNG if there is one, else the EXR. Throws naming the gaps. */
export function findFrameFiles(framesDir: string, frames: readonly number[]): string[] {
  const missing: number[] = [];
  const files = frames.map((f) => {
    const png = path.join(framesDir, frameFileName(f, 'PNG'));
    const exr = path.join(framesDir, frameFileName(f, 'OPEN_EXR'));
    if (existsSync(png)) return png;
    if (!existsSync(exr)) missing.push(f);
    return exr;
  });
  if (missing.length) {
    throw new UsageError(`no rendered image in ${framesDir} for frames ${formatFrames(missing)}`);
  }
  return files;
}

/**
 * Encodes the listed frames, in order, to an H.264 MP4 (libx264, yuv420p) at `fps`. The frames
 * are linked into a temporary contiguous sequence, so the video has exactly one picture per
 * listed frame whatever the gaps between their numbers. Writes through a temporary file, so a
 * failed encode never leaves a partial video at `output`.
 */
export async function encodeVideo(
  opts: EncodeOptions,
): Promise<{ output: string; frames: number }> {
  if (opts.frames.length === 0) throw new UsageError('no frames to encode');
  const files = opts.files
    ? listedFiles(opts.files, opts.frames)
    : findFrameFiles(opts.framesDir, opts.frames);
  const exts = new Set(files.map((f) => path.extname(f).toLowerCase()));
  if (exts.size > 1)
    throw new UsageError(
      `frames in ${opts.framesDir} mix ${[...exts].join(', ')}; render one format`,
    );
  const ext = [...exts][0] ?? '.png';
  // The numbered links ffmpeg reads live outside the user's output; the MP4 is written beside
  // its final name (one file system, so the rename is whole) under a `.partial-` name that the
  // job's next start sweeps if this process is killed.
  const seq = await mkdtemp(path.join(os.tmpdir(), 'ct-encode-'));
  const out = path.resolve(opts.output);
  const partial = path.join(path.dirname(out), `.partial-${process.pid}-${path.basename(out)}`);
  try {
    await Promise.all(files.map((f, i) => symlink(path.resolve(f), seqName(seq, i, ext))));
    const input = ext === '.exr' ? [...EXR_INPUT, ...(await exrLayer(files[0] as string))] : [];
    await runCommand(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-y', ...input, '-framerate', String(opts.fps)],
        ...['-start_number', '0', '-i', path.join(seq, `%08d${ext}`)],
        // libx264 with yuv420p needs even sizes; odd render resolutions are rounded down.
        ...['-vf', 'scale=trunc(iw/2)*2:trunc(ih/2)*2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p'],
        ...['-r', String(opts.fps), '-an', '-movflags', '+faststart', partial],
      ],
      { timeoutMs: opts.timeoutMs ?? 30 * 60_000, signal: opts.signal, missingHint: FFMPEG_HINT },
    );
    await rename(partial, opts.output);
    return { output: opts.output, frames: files.length };
  } finally {
    await rm(seq, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

/** The listed files, one per frame, every one present; throws naming the frames without one. */
function listedFiles(files: readonly string[], frames: readonly number[]): string[] {
  if (files.length !== frames.length)
    throw new UsageError(`${files.length} frame files listed for ${frames.length} frames`);
  const missing = frames.filter((_, i) => !existsSync(files[i] as string));
  if (missing.length) throw new UsageError(`no rendered image for frames ${formatFrames(missing)}`);
  return [...files];
}

/**
 * ffmpeg reads an EXR's bare R, G, B channels; a multilayer EXR (OPEN_EXR_MULTILAYER) has them
 * only as `<view layer>.Combined.R` …, so name that layer (`-layer`) for it to read.
 */
async function exrLayer(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const channels = await exrChannels(fileSource(handle, (await stat(file)).size));
    if (channels.includes('R')) return [];
    const combined = channels.find((c) => /\.Combined\.R$/.test(c));
    return combined ? ['-layer', combined.slice(0, -'.R'.length)] : [];
  } finally {
    await handle.close();
  }
}

function seqName(dir: string, index: number, ext: string): string {
  return path.join(dir, `${String(index).padStart(8, '0')}${ext}`);
}

/** How wide the viewer's frame thumbnails are, in pixels. */
export const THUMB_WIDTH = 320;

/** Writes a JPEG thumbnail of one frame (PNG or EXR), `width` pixels wide (default 320). */
export async function makeThumbnail(
  frameFile: string,
  thumbFile: string,
  width = THUMB_WIDTH,
): Promise<void> {
  const input = frameFile.toLowerCase().endsWith('.exr')
    ? [...EXR_INPUT, ...(await exrLayer(frameFile))]
    : [];
  await runCommand(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-y', ...input, '-i', frameFile],
      ...['-vf', `scale=${Math.round(width)}:-2`, '-frames:v', '1', '-q:v', '4'],
      ...['-f', 'image2', '-c:v', 'mjpeg', thumbFile],
    ],
    { timeoutMs: 60_000, missingHint: FFMPEG_HINT },
  );
}

/** Counts the decoded video frames of `file` with ffprobe (`-count_frames`): exact, not metadata. */
export async function countVideoFrames(file: string): Promise<number> {
  const { stdout } = await runCommand(
    'ffprobe',
    [
      ...['-v', 'error', '-count_frames', '-select_streams', 'v:0'],
      ...['-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', file],
    ],
    { timeoutMs: 10 * 60_000, missingHint: FFMPEG_HINT },
  );
  const n = Number.parseInt(stdout.trim(), 10);
  if (!Number.isFinite(n))
    throw new Error(`ffprobe gave no frame count for ${file}: ${stdout.trim()}`);
  return n;
}
