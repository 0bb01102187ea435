import { UsageError } from '../../errors.js';
import { formatExtension, type ImageFormat } from './formats.js';

/** Most frames one spec may name: a guard against `0-1000000000` filling memory. */
export const MAX_FRAMES = 100_000;
/** Blender's own highest frame number (MAXFRAME in DNA_scene_types.h). */
export const MAX_FRAME_NUMBER = 1_048_574;

const ITEM = /^(\d+)(?:-(\d+)(?:x(\d+))?)?$/;

function bad(spec: string, why: string): UsageError {
  return new UsageError(`--frames ${JSON.stringify(spec)}: ${why}`);
}

function toFrame(spec: string, text: string): number {
  const n = Number(text);
  if (n > MAX_FRAME_NUMBER)
    throw bad(spec, `frame ${text} is past Blender's last frame ${MAX_FRAME_NUMBER}`);
  return n;
}

/** Expands one comma-separated item (`7`, `1-240`, `1-240x2`) into `out`. */
function addItem(spec: string, item: string, out: Set<number>): void {
  if (item === '') throw bad(spec, 'has an empty item; write e.g. 1-240 or 1,5,9-12');
  if (/^-\d/.test(item)) throw bad(spec, `frame ${item} is negative; frames start at 0`);
  const m = ITEM.exec(item);
  if (!m)
    throw bad(spec, `${JSON.stringify(item)} is not a frame, a range a-b or a stepped range a-bxN`);
  const start = toFrame(spec, m[1] ?? '');
  const end = m[2] === undefined ? start : toFrame(spec, m[2]);
  const step = m[3] === undefined ? 1 : Number(m[3]);
  if (step === 0) throw bad(spec, `${item} has step 0; the step must be 1 or more`);
  if (end < start) throw bad(spec, `${item} ends before it starts; write ${end}-${start}`);
  const count = Math.floor((end - start) / step) + 1;
  if (count > MAX_FRAMES) throw bad(spec, `${item} names ${count} frames; at most ${MAX_FRAMES}`);
  for (let f = start; f <= end; f += step) out.add(f);
  if (out.size > MAX_FRAMES) throw bad(spec, `names more than ${MAX_FRAMES} frames`);
}

/**
 * Parses a frame spec: `7`, `1-240`, `1-240x2` (every 2nd frame), or a comma list of those
 * (`1,5,9-12`). Returns the frames sorted and without duplicates; throws `UsageError` saying
 * what to write instead.
 */
export function parseFrames(spec: string): number[] {
  const trimmed = spec.trim();
  if (trimmed === '') throw bad(spec, 'is empty; write e.g. 1-240');
  const frames = new Set<number>();
  for (const item of trimmed.split(',')) addItem(spec, item.trim(), frames);
  return [...frames].sort((a, b) => a - b);
}

/** Splits `frames` into consecutive chunks of at most `chunkSize` (a positive integer). */
export function chunkFrames(frames: readonly number[], chunkSize: number): number[][] {
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new UsageError(`chunk size ${chunkSize}: must be a whole number of frames, 1 or more`);
  }
  const chunks: number[][] = [];
  for (let i = 0; i < frames.length; i += chunkSize) chunks.push(frames.slice(i, i + chunkSize));
  return chunks;
}

/** Writes sorted frames back as a compact spec (`1-4,7,9-10`), for labels and logs. */
export function formatFrames(frames: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < frames.length) {
    const start = frames[i] as number;
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === (frames[j] as number) + 1) j++;
    parts.push(j === i ? `${start}` : `${start}-${frames[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * File name of a rendered frame when no output pattern is given: `frame_0012.png`,
 * `frame_0012.exr`; 4-digit pad, more if needed (output-pattern.ts names the others).
 */
export function frameFileName(frame: number, format: ImageFormat): string {
  if (!Number.isInteger(frame) || frame < 0)
    throw new RangeError(`frame ${frame} is not a frame number`);
  return `frame_${String(frame).padStart(4, '0')}${formatExtension(format)}`;
}
