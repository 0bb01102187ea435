import type { CoordinatorEvent } from '../../api/types.js';
import { authLost, request } from './api.js';

/** Splits a text/event-stream buffer into complete `data:` payloads and the unfinished rest. */
export function parseSse(buffer: string): { events: string[]; rest: string } {
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const events: string[] = [];
  for (const block of blocks) {
    const data = block
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).replace(/^ /, ''));
    if (data.length) events.push(data.join('\n'));
  }
  return { events, rest };
}

/**
 * Follows an event stream (`/api/events`, or a job's `/api/jobs/ID/stream`) with fetch()
 * streaming, signed in by the session cookie, reconnecting with a growing pause. Not EventSource:
 * it cannot tell a 401 (sign in again) from a network error, and reconnects on its own schedule.
 * `onStatus(true)` after each (re)connect: refetch what was missed (a job's stream starts with
 * the whole job, so it needs nothing).
 */
export function followEvents(
  route: string,
  onEvent: (e: CoordinatorEvent) => void,
  onStatus: (live: boolean) => void,
): () => void {
  const ctl = new AbortController();
  void (async () => {
    let pause = 500;
    while (!ctl.signal.aborted) {
      try {
        const res = await request(route, { signal: ctl.signal });
        if (res.status === 401) authLost();
        // A refusal (no such job, no session) will not change by asking again.
        if (res.status >= 400 && res.status < 500) return;
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        onStatus(true);
        pause = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const parsed = parseSse(buffer + value);
          buffer = parsed.rest;
          for (const data of parsed.events) {
            try {
              onEvent(JSON.parse(data) as CoordinatorEvent);
            } catch {
              // a malformed event is skipped, the stream goes on
            }
          }
        }
      } catch {
        // reconnect below
      }
      if (ctl.signal.aborted) return;
      onStatus(false);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 8000);
    }
  })();
  return () => ctl.abort();
}
