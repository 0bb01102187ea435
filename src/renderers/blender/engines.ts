/**
 * What a scene's render engine and file version ask of the Blender that renders it, read from
 * what Blender says (pure: the decisions are in coordinator/jobs/blender-inputs.ts).
 */

/** Eevee's names: 2.8-4.1 `BLENDER_EEVEE`, 4.2+ `BLENDER_EEVEE_NEXT` (4.2-4.4). */
export const EEVEE_ENGINES: readonly string[] = ['BLENDER_EEVEE', 'BLENDER_EEVEE_NEXT'];

/**
 * The engine a file names that this Blender lacks, from what it printed while loading the file
 * (3.x and 4.x alike: `Error: Engine 'LUXCORE' not available for scene 'Scene' (an add-on may
 * need to be installed or enabled)`); null when it printed no such line.
 */
export function missingEngineOf(lines: readonly string[]): string | null {
  for (const l of lines) {
    const m = /Engine '([^']+)' not available for scene/.exec(l);
    if (m?.[1]) return m[1];
  }
  return null;
}

/** `[major, minor]` of a version written `4.3`, `3.4.1` or `4.3.0 Alpha`; null when unreadable. */
function majorMinor(v: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Whether a file saved by Blender `savedBy` is newer than the Blender `blender` reading it. */
export function savedByNewer(savedBy: string, blender: string): boolean {
  const a = majorMinor(savedBy);
  const b = majorMinor(blender);
  if (!a || !b) return false;
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}
