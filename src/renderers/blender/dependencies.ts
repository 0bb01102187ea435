import { z } from 'zod';

/**
 * The files a scene needs besides its .blend, as Blender resolves them (blender-python/ct_deps.py,
 * the worker's `deps` request). The probe carries them in `sceneInfo`; the plan decides from them
 * (jobs/blender-inputs.ts).
 */

/** One file (or physics cache folder) a data-block reads. */
export const dependencySchema = z.object({
  /** The data-block's type: image, library, movieclip, sound, font, volume, cache_file, strip,
   * point_cache, fluid_cache. */
  type: z.string(),
  name: z.string(),
  /** The library the data-block comes from, as its path is written; null: the scene's own. */
  library: z.string().nullable(),
  /** The path as written in the data-block (`//tex/checker.png`, `<UDIM>` included). */
  path: z.string(),
  /** The absolute path of this file (one tile, one frame of a sequence). */
  file: z.string(),
  exists: z.boolean(),
  /** Bytes (a cache folder: all its files); null when missing. */
  size: z.number().nullable(),
});

export type SceneDependency = z.infer<typeof dependencySchema>;

/** `image "checker" (//tex/checker.png)`, with the library it comes from. */
export function describeDependency(d: SceneDependency): string {
  const from = d.library === null ? '' : ` from library ${d.library}`;
  const file = d.path === d.file ? d.path : `${d.path} → ${d.file}`;
  return `${d.type} "${d.name}"${from}: ${file}`;
}

/** 1.2 MB, 340 kB, 97 B. */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return 'missing';
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let n = bytes / 1000;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i += 1;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[i] ?? 'TB'}`;
}

/** One line per file, for `deps` and a dry run: size (or `missing`), data-block, path. */
export function dependencyLines(deps: readonly SceneDependency[]): string[] {
  if (!deps.length) return ['(no external files: everything is in the .blend or packed)'];
  return deps.map((d) => `${formatSize(d.size).padStart(8)}  ${describeDependency(d)}`);
}

/** The total size of the files that exist. */
export function totalSize(deps: readonly SceneDependency[]): number {
  return deps.reduce((sum, d) => sum + (d.size ?? 0), 0);
}
