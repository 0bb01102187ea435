/** A Slurm release as its commands print it (`sinfo --version`: `slurm-wlm 22.05.8`, `slurm 24.11.5`). */
export interface SlurmVersion {
  major: number;
  minor: number;
  micro: number;
  /** As printed, e.g. `22.05.8`. */
  release: string;
}

/** Reads the release out of `sinfo --version` (or any text holding `YY.MM.N`); undefined if none. */
export function parseSlurmVersion(text: string): SlurmVersion | undefined {
  const m = /\b(\d+)\.(\d+)\.(\d+)\b/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), micro: Number(m[3]), release: m[0] };
}

/** True when `v` is `major.minor` or later. */
export function isAtLeast(v: SlurmVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/**
 * Whether this Slurm, without accounting, refuses to resize a job a second time. 22.05 does
 * ("the DB index is being set", for good); 24.11 resizes the same job again and again. The
 * releases between were never seen, so they count as refusing: the coordinator then only
 * declines a shrink it might have made.
 */
export function resizesJobOnce(v: SlurmVersion): boolean {
  return !isAtLeast(v, 24, 11);
}
