import { z } from 'zod';
import { NodeRuntimeSchema } from '../config/os-support.js';

/** One part of the bundle: a tarball with one top-level directory, checked by SHA-256. */
export const BundlePartSchema = z.object({
  file: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  version: z.string(),
  /** The newest glibc its binaries ask for (`2.28`), when they ask for one. */
  glibc: z.string().optional(),
});

/**
 * `manifest.json` at the top of the bundle: what each part is. The tool and Node.js are always
 * there; Blender and ffmpeg only when staged (a cluster that only trains needs neither).
 */
export const BundleManifestSchema = z.object({
  format: z.literal(1),
  tool: BundlePartSchema,
  node: BundlePartSchema.extend({ runtime: NodeRuntimeSchema }),
  blender: BundlePartSchema.optional(),
  ffmpeg: BundlePartSchema.optional(),
});

export type BundlePart = z.infer<typeof BundlePartSchema>;
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** A bundle file and what it holds: what the bootstrap scripts are rendered from. */
export interface BundleInfo {
  file: string;
  sha256: string;
  size: number;
  manifest: BundleManifest;
}

export const MANIFEST_FILE = 'manifest.json';
