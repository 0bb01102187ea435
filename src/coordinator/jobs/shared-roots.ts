import {
  PARALLELCLUSTER_MARK,
  SHARED_ROOTS_FILE,
  sharedRoots,
  type SharedRoots,
} from '../../renderers/blender/output-root.js';
import type { FileProbe } from '../../util/file-probe.js';

/** The site's shared directories, read through the probe (see renderers/blender/output-root.ts). */
export function sharedFor(files: FileProbe): SharedRoots {
  const read = (p: string) => (files.isFile(p) ? files.readText(p) : undefined);
  const parallelCluster = files.isFile(PARALLELCLUSTER_MARK);
  return sharedRoots({
    configured: read(SHARED_ROOTS_FILE),
    parallelCluster,
    exports: parallelCluster ? read('/etc/exports') : undefined,
    mounts: parallelCluster ? read('/proc/mounts') : undefined,
  });
}
