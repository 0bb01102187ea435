import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removePartialFiles } from '../../util/fs.js';
import type { OutputFile } from '../jobs/job-type.js';
import type { JobRow } from '../store/types.js';

/** The files a job has on the head node, as the core asks for them. */
export interface JobFiles {
  /** The job's directory (new: it must not exist yet), output, thumbs and logs (0700), and its agent token file (0600). */
  create(job: JobRow): void;
  /** Removes the partial files renderers killed mid-frame left; returns how many. */
  removePartials(job: JobRow): number;
  /** Writes each file whole (temporary name, then rename), 0600. */
  write(files: OutputFile[]): void;
}

/** JobFiles on this machine's file system. */
export const localJobFiles: JobFiles = {
  create(job) {
    mkdirSync(path.dirname(job.dir), { recursive: true, mode: 0o700 });
    try {
      mkdirSync(job.dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      throw new Error(
        `${job.dir} already exists, though no job ${job.id} is in the coordinator's database: move it away (it is left from another database)`,
        { cause: err },
      );
    }
    // The directory is this job's alone from here: a failure removes it, leaving nothing.
    try {
      for (const d of [job.outputDir, path.join(job.dir, 'thumbs'), path.join(job.dir, 'logs')])
        mkdirSync(d, { recursive: true, mode: 0o700 });
      writeFileSync(path.join(job.dir, 'agent.token'), job.agentToken, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (err) {
      rmSync(job.dir, { recursive: true, force: true });
      throw err;
    }
  },
  removePartials: (job) => removePartialFiles(job.outputDir),
  write(files) {
    for (const f of files) {
      mkdirSync(path.dirname(f.path), { recursive: true, mode: 0o700 });
      const partial = path.join(
        path.dirname(f.path),
        `.partial-${process.pid}-${path.basename(f.path)}`,
      );
      writeFileSync(partial, f.text, { mode: 0o600 });
      renameSync(partial, f.path);
    }
  },
};
