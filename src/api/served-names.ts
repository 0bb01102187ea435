import path from 'node:path';

/**
 * A job's files go by served names (`output/frame_0001.png`, `thumbs/…`, `logs/…`): `output/…`
 * lies in the job's output folder, which a Blender `--output` may put outside the job's
 * directory; everything else lies inside the job's directory. The HTTP routes and the CLI both
 * read names this way.
 */
export function servedRoot(
  job: { dir: string; outputDir: string },
  name: string,
): { root: string; rel: string } {
  return name.startsWith('output/')
    ? { root: job.outputDir, rel: name.slice('output/'.length) }
    : { root: job.dir, rel: name };
}

/** Where a served name is on the head node's disk. */
export function servedPath(job: { dir: string; outputDir: string }, name: string): string {
  const { root, rel } = servedRoot(job, name);
  return path.join(root, rel);
}
