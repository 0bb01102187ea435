import { z } from 'zod';

/**
 * Cycles denoising: what the loaded scene asks for and which denoisers the Blender was built
 * with (blender-python/ct_denoise.py, in the worker's ready line; the probe carries it in
 * `sceneInfo`), and the job's choice, `--denoiser` (the `denoiser` override).
 */

/** Denoising as the loaded scene asks for it, and the denoisers this Blender was built with. */
export const sceneDenoisingSchema = z.object({
  /** Where it is on: `scene`, `view_layer:NAME`; empty: the scene renders without. */
  asked: z.array(z.string()),
  /** `OPENIMAGEDENOISE` or `OPTIX`; null when not asked. */
  denoiser: z.string().nullable(),
  available: z.array(z.string()),
});

export type SceneDenoising = z.infer<typeof sceneDenoisingSchema>;

/** The `--denoiser` values, and the names Blender gives them. */
export const DENOISER_CHOICES = ['none', 'openimagedenoise', 'optix'] as const;
export type DenoiserChoice = (typeof DENOISER_CHOICES)[number];
export const BLENDER_DENOISER: Record<DenoiserChoice, string> = {
  none: 'none',
  openimagedenoise: 'OPENIMAGEDENOISE',
  optix: 'OPTIX',
};

const DENOISER_NAME: Record<string, string> = {
  OPENIMAGEDENOISE: 'OpenImageDenoise',
  OPTIX: 'OptiX',
};

/** A denoiser as people call it: OpenImageDenoise, OptiX. */
export function denoiserName(blenderName: string): string {
  return DENOISER_NAME[blenderName] ?? blenderName;
}

export function isDenoiserChoice(v: string): v is DenoiserChoice {
  return (DENOISER_CHOICES as readonly string[]).includes(v);
}

/**
 * Why the scene cannot take `--denoiser choice` (a valid choice), or null: only Cycles denoises,
 * and only with a denoiser the Blender has (`available`; unknown: not checked).
 */
export function denoiserRefusal(
  choice: DenoiserChoice,
  engine: string,
  available: readonly string[] | undefined,
): string | null {
  if (choice === 'none') return null;
  const want = BLENDER_DENOISER[choice];
  if (engine !== 'CYCLES')
    return `denoiser ${choice}: only Cycles denoises (the scene uses ${engine})`;
  if (available && !available.includes(want))
    return (
      `denoiser ${choice}: the cluster's Blender was built without ${denoiserName(want)} ` +
      `(it has ${available.map(denoiserName).join(', ') || 'no denoiser'}); use --denoiser none`
    );
  return null;
}
