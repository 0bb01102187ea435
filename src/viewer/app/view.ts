import type { CoordinatorEvent } from '../../coordinator/api-types.js';

/** A page section the router mounts: its element, a (re)load, its live updates, and a teardown. */
export interface View {
  el: HTMLElement;
  load(): Promise<void>;
  onEvent(e: CoordinatorEvent): void;
  close?(): void;
}
