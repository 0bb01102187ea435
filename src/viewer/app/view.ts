import type { CoordinatorEvent } from '../../api/types.js';

/**
 * A page section the router mounts: its element, a (re)load, its live updates from `stream`
 * (default `/api/events`), and a teardown that stops everything it started.
 */
export interface View {
  el: HTMLElement;
  /** The event stream this view follows; a job's page follows that job's own stream. */
  stream?: string;
  load(): Promise<void>;
  onEvent(e: CoordinatorEvent): void;
  close?(): void;
}
