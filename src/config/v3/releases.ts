/**
 * The ParallelCluster 3 releases cluster-tool writes configs for, and how a `--pcluster-version`
 * value is read. The rules that differ between releases key on the minor version (`releaseRules`
 * in `release-rules.ts`); a patch, when given, is kept only to be shown back.
 */

/** A ParallelCluster 3 release: its minor version and, when given, its patch. */
export interface Release {
  minor: number;
  patch?: number;
}

/** The release `config init` and `config check` follow unless told otherwise (the current one). */
export const DEFAULT_RELEASE_TEXT = '3.16.3';
/** The oldest minor whose rules cluster-tool has read (aws/aws-parallelcluster tag v3.11.1). */
export const OLDEST_MINOR = 11;
/** The newest minor whose rules cluster-tool has read (release notes up to v3.16.3). */
export const NEWEST_MINOR = 16;

/** `3.16`, or `3.16.3` when the patch is known. */
export function showRelease(r: Release): string {
  return r.patch === undefined ? `3.${r.minor}` : `3.${r.minor}.${r.patch}`;
}

/**
 * Reads `3.N` or `3.N.P`. Returns the release, or a sentence saying what to give instead: a 2.x
 * version is the `--format v2` file, a release outside 3.11–3.16 has rules cluster-tool has not read.
 */
export function parseRelease(text: string): Release | string {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  const known = `3.${OLDEST_MINOR} to 3.${NEWEST_MINOR} (e.g. 3.${NEWEST_MINOR}, 3.14, 3.11)`;
  if (!m) return `"${text}" is not a ParallelCluster version; give ${known}`;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), m[3]];
  if (major === 2)
    return `ParallelCluster ${text} reads the 2.x INI file: use --format v2 (legacy) instead of --pcluster-version`;
  if (major !== 3 || minor < OLDEST_MINOR)
    return `cluster-tool writes ParallelCluster ${known} configs, not ${text}; upgrade ParallelCluster, or write for 3.${OLDEST_MINOR}`;
  if (minor > NEWEST_MINOR)
    return `ParallelCluster ${text} is newer than the rules cluster-tool has read (${DEFAULT_RELEASE_TEXT}); write for 3.${NEWEST_MINOR} and check the release notes since`;
  return patch === undefined ? { minor } : { minor, patch: Number(patch) };
}

const DEFAULT_RELEASE = parseRelease(DEFAULT_RELEASE_TEXT) as Release;

/** The release a spec or flag names, or the default when it names none or one cluster-tool cannot read. */
export function releaseOf(text: string | undefined): Release {
  if (text === undefined) return DEFAULT_RELEASE;
  const r = parseRelease(text);
  return typeof r === 'string' ? DEFAULT_RELEASE : r;
}
