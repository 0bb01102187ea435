/**
 * The absolute paths a staged scene names, remapped when Blender opens it on the cluster
 * (blender-python/ct_remap.py reads this file; nothing is written into the .blend). Written by
 * unpack-shot.ts beside the scene, as `<scene>.blend` + `REMAP_SUFFIX`.
 */
export const REMAP_SUFFIX = '.ct-remap.json';

export interface PathRemap {
  version: 1;
  /** A folder as the scene names it → the folder that holds its files here. */
  dirs: Record<string, string>;
}
