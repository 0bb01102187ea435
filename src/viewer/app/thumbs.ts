import { blobUrl, jobFile } from './api.js';

const MAX_FETCHES = 4;
/** Thumbnails kept; past this the oldest go (and would be fetched again if scrolled back to). */
const MAX_KEPT = 2000;

/**
 * A job's thumbnails as object URLs, each fetched once: a thumbnail is asked for only after the
 * coordinator listed it (it is written before its frame is reported), a failed fetch is not
 * tried again, and `close` aborts what is in flight and frees the URLs.
 */
export class ThumbCache {
  private readonly urls = new Map<string, string>();
  private readonly failed = new Set<string>();
  private readonly pending = new Set<string>();
  private queue: string[] = [];
  private readonly ctl = new AbortController();

  constructor(
    private readonly jobId: string,
    private readonly onLoad: (rel: string) => void,
  ) {}

  /** The object URL of a thumbnail already here; undefined otherwise. */
  get(rel: string): string | undefined {
    return this.urls.get(rel);
  }

  /** Asks for these thumbnails (the ones in view first); each is fetched at most once. */
  want(rels: readonly string[]): void {
    const fresh = rels.filter(
      (r) => !this.urls.has(r) && !this.failed.has(r) && !this.pending.has(r),
    );
    this.queue = [...new Set([...fresh, ...this.queue])];
    this.pump();
  }

  private pump(): void {
    while (!this.ctl.signal.aborted && this.pending.size < MAX_FETCHES && this.queue.length) {
      const rel = this.queue.shift() ?? '';
      if (this.urls.has(rel) || this.failed.has(rel) || this.pending.has(rel)) continue;
      this.pending.add(rel);
      blobUrl(jobFile(this.jobId, rel), this.ctl.signal)
        .then((url) => {
          if (this.ctl.signal.aborted) return URL.revokeObjectURL(url);
          this.urls.set(rel, url);
          for (const [old, u] of this.urls) {
            if (this.urls.size <= MAX_KEPT) break;
            URL.revokeObjectURL(u);
            this.urls.delete(old);
          }
          this.onLoad(rel);
        })
        .catch(() => {
          // A thumbnail that cannot be read leaves the plain cell; it is not asked for again.
          this.failed.add(rel);
        })
        .finally(() => {
          this.pending.delete(rel);
          this.pump();
        });
    }
  }

  close(): void {
    this.ctl.abort();
    this.queue = [];
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}
