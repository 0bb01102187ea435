import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { FileProbe } from '../../util/file-probe.js';
import { VIEWER_SCRIPT } from './launch.js';

/** Where the IndeX AMI installs the demo directory that holds nvindex-viewer.sh. */
export const DEFAULT_INDEX_DIR = '/opt/nvidia-index/demo';

/** The result of checking an IndeX launch: what blocks it and what only looks wrong. */
export interface IndexCheck {
  errors: string[];
  warnings: string[];
}

/**
 * Checks an IndeX launch on the node that can see the files (the head node): the scene exists,
 * is a file and ends in `.prj`; the index dir exists and holds an executable nvindex-viewer.sh.
 * Relative scene paths are taken from `cwd`; the sbatch script gets the absolute path.
 */
export function checkIndexLaunch(
  opts: { scene: string; indexDir: string; cwd?: string },
  files: FileProbe,
): IndexCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const scene = path.resolve(opts.cwd ?? process.cwd(), opts.scene);
  if (!opts.scene.endsWith('.prj'))
    errors.push(`scene ${opts.scene}: an IndeX scene is a project file ending in .prj`);
  if (!files.isFile(scene) && !files.isDirectory(scene))
    errors.push(
      `scene ${scene} does not exist; give the path of a .prj file, e.g. scenes/index/sample.prj`,
    );
  else if (!files.isFile(scene)) errors.push(`scene ${scene} is not a file`);
  if (!files.isDirectory(opts.indexDir)) {
    errors.push(
      `--index-dir ${opts.indexDir} does not exist; give the IndeX demo directory (default ${DEFAULT_INDEX_DIR})`,
    );
  } else {
    const viewer = path.join(opts.indexDir, VIEWER_SCRIPT);
    if (!files.isFile(viewer))
      errors.push(
        `--index-dir ${opts.indexDir} has no ${VIEWER_SCRIPT}; is it the IndeX demo directory?`,
      );
    else if (!files.isExecutable(viewer)) warnings.push(`${viewer} is not executable`);
  }
  return { errors, warnings };
}

/** Runs `checkIndexLaunch` and throws a `UsageError` listing every error. */
export function assertIndexLaunch(
  opts: { scene: string; indexDir: string; cwd?: string },
  files: FileProbe,
): IndexCheck {
  const check = checkIndexLaunch(opts, files);
  if (check.errors.length) throw new UsageError(check.errors.join('\n'));
  return check;
}
