import { open, stat } from 'node:fs/promises';
import { checkImageFile } from '../../renderers/blender/resume.js';
import type { ExpectedOutput } from '../jobs/job-type.js';

/** Checks that the files a finished task should have left are there and whole. */
export interface OutputCheck {
  /** One line per output that is missing or not whole; empty when all are fine. */
  problems(outputs: readonly ExpectedOutput[]): Promise<string[]>;
}

/** An MP4 starts with an `ftyp` box (ISO/IEC 14496-12, 4.3); anything shorter is no video. */
async function videoProblem(file: string): Promise<string | null> {
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile()) return `${file} is missing`;
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    return head.toString('latin1', 4, 8) === 'ftyp' ? null : `${file} is not an MP4 (no ftyp box)`;
  } finally {
    await handle.close();
  }
}

/** OutputCheck on this machine's file system (the shared one the agents wrote to). */
export const localOutputCheck: OutputCheck = {
  async problems(outputs) {
    const found = await Promise.all(
      outputs.map(async (o): Promise<string | null> => {
        if (o.kind === 'video') return videoProblem(o.path);
        const r = await checkImageFile(o.path, o.format, undefined);
        if (r === 'missing') return `${o.path} is missing`;
        return r.whole ? null : `${o.path} is not whole (${r.reason})`;
      }),
    );
    return found.filter((p): p is string => p !== null);
  },
};
