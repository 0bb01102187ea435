import cliProgress from 'cli-progress';
import { formatSize } from '../renderers/blender/dependencies.js';

/** Runs `work` on every item, at most `limit` at once; rejects with the first failure. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** A byte count shown as a bar on stderr while it grows (at a terminal only). */
export interface ByteBar {
  add(bytes: number): void;
  stop(): void;
}

/** `label [████░░] 42% 840 MB/2.0 GB`, on stderr when it is a terminal; nothing otherwise. */
export function byteBar(label: string, total: number, show = process.stderr.isTTY): ByteBar {
  if (!show || total <= 0) return { add: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(9)} {bar} {percentage}% {done}/{all}`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  bar.start(total, 0, { done: formatSize(0), all: formatSize(total) });
  return {
    add: (bytes) => {
      done += bytes;
      bar.update(done, { done: formatSize(done) });
    },
    stop: () => bar.stop(),
  };
}
