import { jobFile } from './api.js';

const MAX_LOADS = 4;

/**
 * The URL of a thumbnail by its `thumbs/…?v=…` reference (format.ts `thumbRef`): a plain URL the
 * browser loads with the session cookie and keeps (the coordinator marks a versioned thumbnail
 * immutable), so a second visit, a reload or another tab asks the network for none of them.
 */
export function thumbUrl(jobId: string, ref: string): string {
  const version = /\?v=\d+$/.exec(ref);
  const file = version ? ref.slice(0, version.index) : ref;
  return jobFile(jobId, file) + (version?.[0] ?? '');
}

/**
 * A job's thumbnails, each loaded once before it is shown (so a cell or the latest frame never
 * shows a half-loaded image, and showing one again costs no request): a thumbnail is asked for
 * only after the coordinator listed it (it is written before its frame is reported), one that
 * fails is not tried again, and `close` stops what is in flight.
 */
export class ThumbCache {
  private readonly loaded = new Set<string>();
  private readonly failed = new Set<string>();
  private readonly pending = new Map<string, HTMLImageElement>();
  private queue: string[] = [];
  private closed = false;

  constructor(
    private readonly jobId: string,
    private readonly onLoad: (ref: string) => void,
  ) {}

  /** The URL of a thumbnail already loaded; undefined otherwise. */
  get(ref: string): string | undefined {
    return this.loaded.has(ref) ? thumbUrl(this.jobId, ref) : undefined;
  }

  /** Asks for these thumbnails (the ones in view first); each is loaded at most once. */
  want(refs: readonly string[]): void {
    const fresh = refs.filter(
      (r) => !this.loaded.has(r) && !this.failed.has(r) && !this.pending.has(r),
    );
    this.queue = [...new Set([...fresh, ...this.queue])];
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.pending.size < MAX_LOADS && this.queue.length) {
      const ref = this.queue.shift() ?? '';
      if (this.loaded.has(ref) || this.failed.has(ref) || this.pending.has(ref)) continue;
      const img = new Image();
      this.pending.set(ref, img);
      const settle = (ok: boolean) => {
        if (this.closed) return;
        this.pending.delete(ref);
        // A thumbnail that cannot be read leaves the plain cell; it is not asked for again.
        (ok ? this.loaded : this.failed).add(ref);
        if (ok) this.onLoad(ref);
        this.pump();
      };
      img.onload = () => settle(true);
      img.onerror = () => settle(false);
      img.src = thumbUrl(this.jobId, ref);
    }
  }

  close(): void {
    this.closed = true;
    this.queue = [];
    // An image whose source is taken away stops loading.
    for (const img of this.pending.values()) img.removeAttribute('src');
    this.pending.clear();
  }
}
