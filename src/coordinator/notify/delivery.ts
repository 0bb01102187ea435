import { DELIVERY_HEADER, SIGNATURE_HEADER, shownUrl, signNotice } from '../../api/notify.js';
import type { RecordFn } from '../history.js';
import type { NoticesTable } from '../store/tables/notices.js';

/** What delivering needs. */
export interface DeliveryPorts {
  notices: Pick<NoticesTable, 'due' | 'delivered' | 'failed'>;
  /** The signing key (api/notify.ts `notifyKey` of the user token). */
  key: string;
  record: RecordFn;
  now: () => number;
  /** The HTTP client (global fetch; a test may pass its own). */
  fetch?: typeof fetch;
}

/** Tries a URL this many times; the waits between double from 5 s up to 15 min (about 2 h in all). */
const MAX_TRIES = 12;
const FIRST_WAIT_MS = 5_000;
const LONGEST_WAIT_MS = 15 * 60_000;
/** A receiver gets this long to answer. */
const ANSWER_MS = 10_000;
/** Messages sent at once. */
const BATCH = 8;

/**
 * Sends the outbox's due messages: a POST of the JSON body, signed, each delivery named so a
 * receiver can drop a repeat. A 2xx is delivered; anything else is tried again later, waiting
 * longer each time, until MAX_TRIES. Runs beside the jobs, never in their way: the job has ended
 * (and its row says so) before its message is even queued.
 */
export class NoticeDelivery {
  private running = false;

  constructor(private readonly p: DeliveryPorts) {}

  /** Sends what is due now; a tick while the last still runs does nothing. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const due = this.p.notices.due(this.p.now(), BATCH);
      await Promise.all(due.map((n) => this.send(n)));
    } finally {
      this.running = false;
    }
  }

  private async send(n: { id: number; jobId: string; url: string; body: string; tries: number }) {
    const tries = n.tries + 1;
    const url = shownUrl(n.url);
    let problem: string;
    try {
      const res = await (this.p.fetch ?? fetch)(n.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'cluster-tool',
          [SIGNATURE_HEADER]: signNotice(this.p.key, n.body),
          [DELIVERY_HEADER]: String(n.id),
        },
        body: n.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(ANSWER_MS),
      });
      await res.body?.cancel();
      if (res.ok) {
        this.p.notices.delivered(n.id, this.p.now());
        this.p.record(n.jobId, 'notify:delivered', 'coordinator', `told ${url} of the job's end`, {
          url,
          tries,
        });
        return;
      }
      problem = `HTTP ${res.status}`;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      problem =
        e.name === 'TimeoutError'
          ? `no answer in ${ANSWER_MS / 1000} s`
          : (e.cause?.code ?? e.message);
    }
    const final = tries >= MAX_TRIES;
    const wait = Math.min(FIRST_WAIT_MS * 2 ** (tries - 1), LONGEST_WAIT_MS);
    this.p.notices.failed(n.id, problem, final ? null : this.p.now() + wait);
    this.p.record(
      n.jobId,
      'notify:failed',
      'coordinator',
      final
        ? `could not tell ${url} of the job's end (${problem}); gave up after ${tries} tries`
        : `could not tell ${url} of the job's end (${problem}); trying again in ${Math.round(wait / 1000)} s`,
      { url, tries, final },
    );
  }
}
