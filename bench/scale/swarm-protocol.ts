/** What a swarm worker thread gets at its start: where to connect and which agents are its. */
export interface SwarmInit {
  url: string;
  /** The job's agent token, as real agents use. */
  token: string;
  /** The first agent's number (node `sim<first/4+1>`, GPU `first%4`) and how many agents. */
  first: number;
  count: number;
}

/** Commands to a swarm worker; each gets one `reply` with the same id. */
export type SwarmCommand =
  | { cmd: 'register'; jobId: string }
  | { cmd: 'start'; waitMs: number }
  | { cmd: 'mode'; mode: 'complete' | 'hold' }
  | { cmd: 'reportLeases'; on: boolean }
  | { cmd: 'held' }
  | { cmd: 'burst'; rounds: number }
  | { cmd: 'counts' };

/** What a worker's counters say. */
export interface SwarmCounts {
  completed: number;
  /** Epoch ms of the last completion reply; 0 before any. */
  lastCompletedAt: number;
  requests: number;
  exited: number;
  failure: string | undefined;
}

/** Messages from a swarm worker. */
export type SwarmEvent =
  | { type: 'reply'; id: number; value?: unknown; error?: string }
  | { type: 'lease'; taskId: number; at: number }
  | { type: 'error'; message: string };
