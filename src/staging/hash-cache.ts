import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { makeDirs } from '../util/fs.js';

/**
 * SHA-256 of files, remembered by (path, size, modification time): a shot's unchanged 2 GB of
 * textures is hashed once, and a file whose size or mtime changed is hashed again. Kept in one
 * JSON file under the user's cache directory; a cache that cannot be read starts empty.
 */

const entrySchema = z.object({ size: z.number(), mtimeMs: z.number(), sha256: z.string() });
const fileSchema = z.object({ version: z.literal(1), files: z.record(z.string(), entrySchema) });

type Entry = z.infer<typeof entrySchema>;

/** `$CLUSTER_TOOL_CACHE_DIR`, else `$XDG_CACHE_HOME/cluster-tool`, else `~/.cache/cluster-tool`. */
export function defaultCacheDir(): string {
  if (process.env.CLUSTER_TOOL_CACHE_DIR) return process.env.CLUSTER_TOOL_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'cluster-tool');
}

/** SHA-256 of a file, hex; `onBytes` is told of each chunk read. */
export async function hashFile(file: string, onBytes?: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hash.digest('hex');
}

export class HashCache {
  private readonly files: Record<string, Entry>;
  private changed = false;
  /** Files hashed (not answered from the cache) since this cache was opened. */
  hashed = 0;

  private constructor(
    private readonly file: string | undefined,
    files: Record<string, Entry>,
  ) {
    this.files = files;
  }

  /** The cache kept in `file` (created on the first `save`); undefined: in memory only. */
  static open(file: string | undefined = path.join(defaultCacheDir(), 'sha256.json')): HashCache {
    if (file === undefined || !existsSync(file)) return new HashCache(file, {});
    try {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      return new HashCache(file, parsed.success ? parsed.data.files : {});
    } catch {
      return new HashCache(file, {}); // unreadable: hash again, and write it anew
    }
  }

  /**
   * The file's size and SHA-256: from the cache when its size and modification time are those
   * recorded, else read (and told to `onBytes`) and recorded.
   */
  async sha256(
    file: string,
    onBytes?: (n: number) => void,
  ): Promise<{ sha256: string; size: number; cached: boolean }> {
    const abs = path.resolve(file);
    const st = statSync(abs);
    const known = this.files[abs];
    if (known && known.size === st.size && known.mtimeMs === st.mtimeMs)
      return { sha256: known.sha256, size: st.size, cached: true };
    const sha256 = await hashFile(abs, onBytes);
    // Modified while it was read: do not remember a hash that may mix two versions.
    const after = statSync(abs);
    if (after.size === st.size && after.mtimeMs === st.mtimeMs) {
      this.files[abs] = { size: st.size, mtimeMs: st.mtimeMs, sha256 };
      this.changed = true;
    }
    this.hashed += 1;
    return { sha256, size: st.size, cached: false };
  }

  /** Writes the cache if it learnt anything (private to the user: it lists their file names). */
  save(): void {
    if (!this.file || !this.changed) return;
    makeDirs(path.dirname(this.file), 0o700);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, files: this.files }), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.changed = false;
  }
}
