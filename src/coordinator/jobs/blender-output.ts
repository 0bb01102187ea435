// One file, over 8 KB: what every Blender kind decides before its tasks reads itself in
// order (the scene's probe decides which overrides pass, the root decides how the pattern is
// checked); apart, each piece would take the others' results as arguments.
import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { ImageFormat } from '../../renderers/blender/formats.js';
import {
  resolveOutputPattern,
  type OutputPattern,
} from '../../renderers/blender/output-pattern.js';
import { isWithin, notSharedReason } from '../../renderers/blender/output-root.js';
import {
  checkImageOverrides,
  checkOverrides,
  finalResolution,
  type RenderOverrides,
} from '../../renderers/blender/overrides.js';
import type { SceneInfo } from '../../renderers/blender/protocol.js';
import type { FileProbe } from '../../util/file-probe.js';
import type { BlenderOutputFields } from '../../api/types.js';
import { checkDenoising, checkDependencies, checkEngine } from './blender-inputs.js';
import type { JobDirs, PlanContext } from './job-type.js';
import { sharedFor } from './shared-roots.js';

/** What every Blender job kind decides about its scene, overrides and output before its tasks. */
export interface BlenderOutputPlan {
  scene: string;
  /** The output root: `--output`, else the job's own output directory. */
  root: string;
  pattern: OutputPattern;
  /** The checked overrides, `format` included when one was asked for. */
  overrides: RenderOverrides;
  format: ImageFormat;
  info: SceneInfo | undefined;
  /** The size frames are written at; null when the request carries no probe of the scene. */
  resolution: [number, number] | null;
  warnings: string[];
}

/** Overrides only the scene can say yes to. */
const SCENE_FIELDS = ['resolutionPercentage', 'samples', 'camera', 'device'] as const;

function checkScenePath(scene: string, files: FileProbe): string {
  if (!path.isAbsolute(scene))
    throw new UsageError(`scene: ${JSON.stringify(scene)} must be an absolute path`);
  if (scene.includes('\0') || /[\n\r]/.test(scene))
    throw new UsageError('scene: the path holds a control character');
  if (!/\.blend$/i.test(scene)) throw new UsageError(`scene: ${scene} is not a .blend file`);
  if (!files.isFile(scene)) throw new UsageError(`scene: ${scene} does not exist`);
  return scene;
}

/** The overrides with `format` among them; checked against the scene's probe when there is one. */
function readOverrides(req: BlenderOutputFields, info: SceneInfo | undefined): RenderOverrides {
  const o = { ...req.overrides };
  const format = req.format;
  if (format !== undefined) {
    if (o.format !== undefined && o.format !== format)
      throw new UsageError(`format ${format} and overrides.format ${o.format} differ; give one`);
    o.format = format;
  }
  const unchecked = SCENE_FIELDS.filter((f) => o[f] !== undefined);
  if (!info && unchecked.length)
    throw new UsageError(
      `overrides ${unchecked.join(', ')} are checked against the scene: send sceneInfo from a ` +
        'probe of it (`cluster-tool submit` does this)',
    );
  const errors = info ? checkOverrides({ scene: info }, o) : checkImageOverrides(o);
  if (errors.length) throw new UsageError(errors.map((e) => e.message).join('; '));
  return o;
}

/**
 * Checks an `--output` directory: absolute, writable by this (the coordinator's) user, whose
 * Slurm jobs write the frames, on a file system the compute nodes share, and clear of the
 * coordinator's job directories. A directory not there yet is fine when its nearest existing
 * parent is writable: the submission creates it (io/job-files.ts), never the plan. Returns it
 * normalized.
 */
export function checkOutputRoot(value: string, dirs: JobDirs, files: FileProbe): string {
  if (value === '') throw new UsageError('output: give the absolute path of a directory');
  if (/[\0\n\r]/.test(value)) throw new UsageError('output: the path holds a control character');
  if (!path.isAbsolute(value))
    throw new UsageError(`output ${JSON.stringify(value)}: give an absolute path`);
  const dir = path.resolve(value);
  if (dir === path.parse(dir).root)
    throw new UsageError(`output ${dir}: choose a directory of its own, not the file system root`);
  const existing = nearestDirectory(dir, files);
  if (!files.isWritableDirectory(existing))
    throw new UsageError(
      `output ${dir}: the cluster's jobs cannot write ${existing === dir ? 'there' : `in ${existing} to create it`} ` +
        '(no permission, or read-only); change its permissions or choose another directory',
    );
  const notShared = notSharedReason(dir, sharedFor(files));
  if (notShared) throw new UsageError(`output ${notShared}`);
  const jobs = path.dirname(dirs.dir);
  if (isWithin(dir, jobs) || isWithin(jobs, dir))
    throw new UsageError(
      `output ${dir}: overlaps the coordinator's job directories (${jobs}); choose a directory of its own`,
    );
  return dir;
}

/** `dir`, or its nearest parent that exists; refuses a file met on the way. */
function nearestDirectory(dir: string, files: FileProbe): string {
  let at = dir;
  while (!files.isDirectory(at)) {
    if (files.isFile(at))
      throw new UsageError(
        `output ${dir}: ${at === dir ? 'it' : at} is a file, not a directory; choose another`,
      );
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  return at;
}

/** Checks what every Blender kind shares: scene, probe, overrides, output root and pattern. */
export function planBlenderOutput(
  req: BlenderOutputFields,
  {
    dirs,
    files,
    limits,
  }: Pick<PlanContext, 'dirs' | 'files'> & Partial<Pick<PlanContext, 'limits'>>,
): BlenderOutputPlan {
  const scene = checkScenePath(req.scene, files);
  const info = req.sceneInfo;
  const overrides = readOverrides(req, info);
  checkDenoising(info, overrides);
  const engine = checkEngine(info, limits);
  if (req.allowMissing !== undefined && typeof req.allowMissing !== 'boolean')
    throw new UsageError('allowMissing: true or false');
  const missing = checkDependencies(info, req.allowMissing === true, files);
  const root =
    req.outputDir === undefined ? dirs.outputDir : checkOutputRoot(req.outputDir, dirs, files);
  const pattern = resolveOutputPattern({
    root,
    requested: req.outputPattern,
    sceneOutputPath: info?.output_path,
  });
  const warnings = [...(pattern.note ? [pattern.note] : []), ...engine, ...missing];
  return {
    scene,
    root,
    pattern,
    overrides,
    format: (overrides.format ?? 'PNG') as ImageFormat,
    info,
    resolution: info ? finalResolution(info, overrides.resolutionPercentage) : null,
    warnings,
  };
}

/** A file under the output root as the files route serves it: `output/render/shot_0012.png`. */
export function servedName(name: string): string {
  return `output/${name}`;
}

/** The absolute path of `name` (relative to the root, `/`-separated). */
export function underRoot(root: string, name: string): string {
  return path.join(root, ...name.split('/'));
}

/** One line naming the overrides in force, for the history: `samples 16, camera CamBlue`. */
export function describeOverrides(o: RenderOverrides, resolution: [number, number] | null): string {
  const parts: string[] = [];
  if (o.resolutionPercentage !== undefined)
    parts.push(
      `resolution ${o.resolutionPercentage} %${resolution ? ` (${resolution.join('×')})` : ''}`,
    );
  if (o.samples !== undefined) parts.push(`samples ${o.samples}`);
  if (o.camera !== undefined) parts.push(`camera ${o.camera}`);
  if (o.frameStep !== undefined) parts.push(`every ${o.frameStep} frame(s)`);
  if (o.device !== undefined) parts.push(`device ${o.device}`);
  if (o.format !== undefined) parts.push(`format ${o.format}`);
  if (o.colorDepth !== undefined) parts.push(`${o.colorDepth}-bit`);
  return parts.join(', ');
}
