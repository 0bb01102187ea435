import path from 'node:path';
import { UsageError } from '../../errors.js';
import { MAX_FRAME_NUMBER } from './frames.js';
import type { OutputPattern, PatternSource } from './output-names.js';

export { outputFileName, planOutputFiles, type PlannedFile } from './output-names.js';
export type { OutputPattern, PatternSource } from './output-names.js';

/**
 * Blender output paths such as `//render/shot010_####` as job outputs: checked, and placed under
 * the output root (output-names.ts turns them into each frame's file name, as Blender does).
 *
 * Where files go: every frame lands under one output root (`--output DIR`, else the job's output
 * directory). A leading `//` (Blender's "next to the .blend") and a relative pattern both mean
 * "under the root": on the farm the root stands where the .blend's folder stood. An absolute
 * pattern must lie inside the root; the scene's own absolute path, when outside, keeps only its
 * file name (with a note saying so). `..` segments, control characters and `\` are refused.
 */

/** Used when neither the request nor the scene names an output: today's `frame_0012.png`. */
export const DEFAULT_OUTPUT_PATTERN = 'frame_####';
/** Blender's factory output path: a scene that still has it has named no output of its own. */
const BLENDER_FACTORY_PATH = '/tmp/';
const MAX_NAME_BYTES = 255;
const FRAME_DIGITS = String(MAX_FRAME_NUMBER).length;

function label(raw: string, source: PatternSource): string {
  return source === 'scene'
    ? `the scene's output path ${JSON.stringify(raw)} (or give an output pattern)`
    : `output pattern ${JSON.stringify(raw)}`;
}

function checkText(raw: string, source: PatternSource): void {
  const what = label(raw, source);
  if (raw.trim() === '') throw new UsageError(`${what}: is empty; write e.g. shot010_####`);
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/.exec(raw);
  if (control)
    throw new UsageError(`${what}: remove the control character at position ${control.index}`);
  if (raw.includes('\\')) throw new UsageError(`${what}: write / between folders, not \\`);
}

/** Splits a relative path into checked folders and a file name. */
function splitRelative(rel: string, raw: string, source: PatternSource): [string[], string] {
  const what = label(raw, source);
  const parts = rel.split('/');
  const name = parts.pop() ?? '';
  const dirs = parts.filter((p) => p !== '' && p !== '.');
  for (const seg of [...dirs, name]) {
    if (seg === '..')
      throw new UsageError(`${what}: remove the ".." segment; frames must stay in the output root`);
    if (seg.startsWith('.partial-'))
      throw new UsageError(`${what}: names starting ".partial-" are kept for unfinished frames`);
    if (Buffer.byteLength(seg) > MAX_NAME_BYTES)
      throw new UsageError(`${what}: "${seg.slice(0, 40)}..." is longer than 255 bytes`);
  }
  if (name === '..' || name === '.')
    throw new UsageError(`${what}: end the pattern with a file name such as shot_####`);
  // Room for the longest frame number and an extension.
  if (Buffer.byteLength(name) + FRAME_DIGITS + 5 > MAX_NAME_BYTES)
    throw new UsageError(`${what}: the file name is too long once the frame number is added`);
  return [dirs, name];
}

/**
 * Checks `raw` and places it under `root` (see the module comment). Throws `UsageError` saying
 * what to change.
 */
export function parseOutputPattern(
  raw: string,
  root: string,
  source: PatternSource = 'request',
): OutputPattern {
  checkText(raw, source);
  let rel = raw;
  let note: string | undefined;
  if (raw.startsWith('//')) rel = raw.slice(2);
  else if (raw.startsWith('/')) {
    if (raw.split('/').includes('..')) splitRelative(raw.slice(1), raw, source); // throws
    const absRoot = path.resolve(root);
    const inside = path.relative(absRoot, path.resolve(raw));
    const trailing = raw.endsWith('/') ? '/' : '';
    if (inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside))
      rel = inside + trailing;
    else if (inside === '' && trailing) rel = '';
    else if (source === 'scene') {
      rel = raw.endsWith('/') ? '' : path.posix.basename(raw);
      note = `the scene writes to ${path.posix.dirname(raw)}; frames go to ${absRoot} instead`;
    } else
      throw new UsageError(
        `${label(raw, source)}: is outside the output directory ${absRoot}; give a pattern ` +
          `relative to it (shot_####, render/shot_####) or an output directory that holds it`,
      );
  }
  const [dirs, name] = splitRelative(rel, raw, source);
  return note ? { raw, source, dirs, name, note } : { raw, source, dirs, name };
}

/**
 * The pattern to use: the request's when given, else the scene's output path when it names one
 * (not empty, not Blender's factory `/tmp/`), else {@link DEFAULT_OUTPUT_PATTERN}.
 */
export function resolveOutputPattern(opts: {
  root: string;
  requested?: string;
  sceneOutputPath?: string;
}): OutputPattern {
  if (opts.requested !== undefined) return parseOutputPattern(opts.requested, opts.root);
  const scene = opts.sceneOutputPath ?? '';
  if (scene !== '' && scene !== BLENDER_FACTORY_PATH)
    return parseOutputPattern(scene, opts.root, 'scene');
  return parseOutputPattern(DEFAULT_OUTPUT_PATTERN, opts.root, 'default');
}
