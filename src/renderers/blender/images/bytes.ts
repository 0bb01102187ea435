import type { FileHandle } from 'node:fs/promises';

/** Random access to a file's bytes: the image checks read only a head, a tail and a few spots. */
export interface ByteSource {
  size: number;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  read(offset: number, length: number): Promise<Buffer>;
}

/** A ByteSource over bytes in memory (tests, small files). */
export function bufferSource(buf: Buffer): ByteSource {
  return {
    size: buf.length,
    read: async (offset, length) => buf.subarray(offset, Math.min(buf.length, offset + length)),
  };
}

/** A ByteSource over an open file of `size` bytes. */
export function fileSource(handle: FileHandle, size: number): ByteSource {
  return {
    size,
    read: async (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.alloc(n);
      const { bytesRead } = await handle.read(buf, 0, n, offset);
      return buf.subarray(0, bytesRead);
    },
  };
}

/** What an image check found: whole (with the size read from the file, when it has one) or not. */
export type ImageCheck =
  { whole: true; width?: number; height?: number } | { whole: false; reason: string };

/** Shorthand for a check that failed. */
export function notWhole(reason: string): ImageCheck {
  return { whole: false, reason };
}
