import path from 'node:path';
import { z } from 'zod';

/**
 * A shot's manifest: the scene and every file it reads, each by where it lies in the shot's
 * layout and by its content's SHA-256 (the object `cas/sha256/<hex>` holds it). The layout is the
 * files' own tree under their nearest common folder, so every relative path the scene (or a
 * library) writes still leads to the same file; a file the scene names by an absolute path is
 * remapped when Blender opens the scene (`remap`: the folder it was in → its folder in the
 * layout; blender-python/ct_remap.py).
 */

const layoutPath = z
  .string()
  .min(1)
  .refine((p) => isLayoutPath(p), 'must be a relative path inside the shot, with / between names');

export const manifestSchema = z.object({
  version: z.literal(1),
  /** The .blend, as a layout path. */
  scene: layoutPath,
  files: z.array(
    z.object({
      /** Where it lies in the layout (the scene's own relative paths intact). */
      path: layoutPath,
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      size: z.number().int().nonnegative(),
      /** The path the scene wrote, when absolute (it is remapped on the head node). */
      absolute: z.string().optional(),
    }),
  ),
  /** Absolute folder the scene names → its layout folder ('' is the layout's top). */
  remap: z.record(z.string(), z.string()),
});

export type ShotManifest = z.infer<typeof manifestSchema>;
export type ManifestFile = ShotManifest['files'][number];

/** A relative path with `/` between names and no `.`, `..` or empty name: it stays inside. */
export function isLayoutPath(p: string): boolean {
  if (p.startsWith('/') || p.includes('\\') || p.includes('\0')) return false;
  return p.split('/').every((name) => name !== '' && name !== '.' && name !== '..');
}

/** One file of the shot on this machine. */
export interface ShotInput {
  /** Its absolute path here. */
  file: string;
  /** The path as the scene wrote it, when that is absolute (not `//`-relative). */
  absolute?: string;
}

/** Where each file goes in the layout. */
export interface ShotLayout {
  /** The common folder (on this machine) the layout mirrors. */
  root: string;
  scene: string;
  files: { file: string; path: string; absolute?: string }[];
  remap: Record<string, string>;
}

/** The deepest folder holding every path (posix paths, absolute). */
export function commonFolder(paths: readonly string[]): string {
  let common: string[] | undefined;
  for (const p of paths) {
    const parts = path.resolve(p).split('/');
    if (common === undefined) common = parts;
    else {
      let i = 0;
      while (i < common.length && i < parts.length && common[i] === parts[i]) i += 1;
      common = common.slice(0, i);
    }
  }
  const joined = (common ?? ['']).join('/');
  return joined === '' ? '/' : joined;
}

/**
 * Lays a scene and its files out under their common folder. The same file named twice (a
 * sequence's frames by two images) is laid out once; an absolute-path file's folder is remapped.
 */
export function planLayout(scene: string, inputs: readonly ShotInput[]): ShotLayout {
  const sceneAbs = path.resolve(scene);
  const root = commonFolder([path.dirname(sceneAbs), ...inputs.map((i) => path.dirname(i.file))]);
  const rel = (f: string) => path.relative(root, path.resolve(f)).split(path.sep).join('/');
  const files = new Map<string, ShotLayout['files'][number]>();
  files.set(sceneAbs, { file: sceneAbs, path: rel(sceneAbs) });
  const remap: Record<string, string> = {};
  for (const input of inputs) {
    const file = path.resolve(input.file);
    const prior = files.get(file);
    const entry = {
      file,
      path: rel(file),
      ...(input.absolute ? { absolute: input.absolute } : {}),
    };
    if (!prior || (entry.absolute && !prior.absolute)) files.set(file, entry);
    if (input.absolute)
      remap[path.dirname(path.normalize(input.absolute))] = rel(path.dirname(file));
  }
  return { root, scene: rel(sceneAbs), files: [...files.values()], remap };
}

/** The manifest of a laid-out shot, given each file's hash and size. */
export function manifestOf(
  layout: ShotLayout,
  hashes: ReadonlyMap<string, { sha256: string; size: number }>,
): ShotManifest {
  const files = layout.files.map((f) => {
    const h = hashes.get(f.file);
    if (!h) throw new Error(`no hash for ${f.file}`);
    return {
      path: f.path,
      sha256: h.sha256,
      size: h.size,
      ...(f.absolute ? { absolute: f.absolute } : {}),
    };
  });
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { version: 1, scene: layout.scene, files, remap: layout.remap };
}

/** The manifest parsed and checked, or an error that says what is wrong with it. */
export function parseManifest(text: string, where: string): ShotManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not a cluster-tool manifest (not JSON)`);
  }
  const r = manifestSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(
      `${where} is not a valid cluster-tool manifest: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`,
    );
  }
  if (!r.data.files.some((f) => f.path === r.data.scene))
    throw new Error(
      `${where} is not a valid cluster-tool manifest: its scene is not among its files`,
    );
  for (const to of Object.values(r.data.remap))
    if (to !== '' && !isLayoutPath(to))
      throw new Error(
        `${where} is not a valid cluster-tool manifest: remap target ${to} leaves the shot`,
      );
  return r.data;
}
