import http from 'node:http';

/** What the attached viewers received since the last `reset`. */
export interface ViewerTally {
  viewers: number;
  /** Events received per viewer (mean). */
  eventsPerViewer: number;
  /** Bytes received per viewer (mean). */
  bytesPerViewer: number;
  /** Receipt time minus the task's `finishedAt`, ms, over every `task:updated` received. */
  lagMs: number[];
}

const TASK_FINISHED = /^data: \{"type":"task:updated".*"finishedAt":(\d+)/;

/** Viewers on the live event stream. */
export interface Viewers {
  reset(): void;
  tally(): ViewerTally;
  close(): void;
}

/**
 * Attaches `count` clients to `/api/events` as the viewer page does, each parsing every event
 * (they count what arrives and how late a finished task reaches them, nothing more).
 */
export async function attachViewers(url: string, token: string, count: number): Promise<Viewers> {
  let events = 0;
  let bytes = 0;
  let lagMs: number[] = [];
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = http.get(
            `${url}/api/events`,
            { headers: { authorization: `Bearer ${token}` } },
            (res) => {
              if (res.statusCode !== 200)
                return reject(new Error(`/api/events: HTTP ${res.statusCode}`));
              let rest = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => {
                bytes += Buffer.byteLength(chunk);
                rest += chunk;
                let end = rest.indexOf('\n\n');
                while (end >= 0) {
                  const block = rest.slice(0, end);
                  rest = rest.slice(end + 2);
                  end = rest.indexOf('\n\n');
                  if (!block.startsWith('data: ')) continue;
                  events++;
                  // A regular expression, not JSON.parse: these viewers share the bench
                  // process with the agents, and only the lag of finished tasks is wanted.
                  const m = TASK_FINISHED.exec(block);
                  if (m) lagMs.push(Date.now() - Number(m[1]));
                }
              });
              resolve();
            },
          );
          req.on('error', reject);
          requests.push(req);
        }),
    ),
  );
  return {
    reset() {
      events = 0;
      bytes = 0;
      lagMs = [];
    },
    tally: () => ({
      viewers: count,
      eventsPerViewer: events / count,
      bytesPerViewer: bytes / count,
      lagMs: [...lagMs],
    }),
    close() {
      for (const r of requests) r.destroy();
    },
  };
}
