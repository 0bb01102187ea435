/**
 * How far a frame is, read from the status lines Blender prints while it renders (the worker's
 * Blender prints them on its stderr; there is no per-sample Python handler to ask instead). The
 * same words in Blender 3.x and 4.x:
 *   Cycles   `... | Scene, ViewLayer | Sample 12/128`
 *            `... | Rendered 3/16 Tiles, Sample 7/16`        (a tiled render)
 *            `... | Scene, ViewLayer | Denoising` / `Finished` / `Compositing | Tile 1-1`
 *   Eevee    `... | Rendering 26 / 64 samples`
 * Only lines that start `Fra:` are Blender's status lines; anything else is not progress.
 */
export interface LineProgress {
  /** The frame's fraction done (0..1), when the line says; absent for an activity alone. */
  fraction?: number;
  /** What Blender does now, in its words: `Sample 12/128`, `Denoising`, `Compositing`. */
  activity: string;
}

const TILES = /Rendered (\d+)\/(\d+) Tiles(?:, Sample (\d+)\/(\d+))?/;
const SAMPLE = /Sample (\d+)\/(\d+)/;
const EEVEE = /Rendering (\d+) \/ (\d+) samples/;
/** The activities worth showing when no count comes with them. */
const ACTIVITY = /\b(Denoising|Compositing|Finished|Finishing|Reading full buffer from disk)\b/;

const ratio = (n: string | undefined, m: string | undefined): number | undefined => {
  const a = Number(n);
  const b = Number(m);
  return Number.isFinite(a) && b > 0 ? Math.min(1, Math.max(0, a / b)) : undefined;
};

/** The status field of a Blender status line: its last `|`-separated part, trimmed. */
function lastField(line: string): string {
  const parts = line.split('|');
  return (parts[parts.length - 1] ?? '').trim();
}

/** What one line of Blender's output says of the frame's progress, or undefined. */
export function progressOfLine(line: string): LineProgress | undefined {
  if (!line.startsWith('Fra:')) return undefined;
  const tiles = TILES.exec(line);
  if (tiles) {
    const total = Number(tiles[2]);
    const done = Number(tiles[1]);
    // While tile `done` renders, its own samples count as a part of one tile.
    const within = tiles[3] !== undefined ? (ratio(tiles[3], tiles[4]) ?? 0) : 0;
    const part = done >= total ? 0 : within;
    const fraction = total > 0 ? Math.min(1, (done + part) / total) : undefined;
    return { ...(fraction !== undefined ? { fraction } : {}), activity: tiles[0] };
  }
  const sample = SAMPLE.exec(line) ?? EEVEE.exec(line);
  if (sample) {
    const fraction = ratio(sample[1], sample[2]);
    return {
      ...(fraction !== undefined ? { fraction } : {}),
      activity: `Sample ${sample[1]}/${sample[2]}`,
    };
  }
  const act = ACTIVITY.exec(lastField(line)) ?? ACTIVITY.exec(line);
  if (act?.[1]) return { activity: act[1] === 'Finishing' ? 'Finished' : act[1] };
  return undefined;
}
