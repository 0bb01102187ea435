import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AllocationPort } from '../../src/coordinator/ports.js';
import {
  Coordinator,
  DEFAULT_CONFIG,
  type CoordinatorConfig,
  type CoordinatorIo,
} from '../../src/coordinator/core.js';
import { EventBus } from '../../src/coordinator/events.js';
import { SqliteStore } from '../../src/coordinator/store/sqlite-store.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';

export interface InProcessOptions<P extends AllocationPort> {
  /** Where Slurm allocations go (default a recording double). */
  port?: P;
  /** Config over DEFAULT_CONFIG (the state directory is the fixture's own). */
  config?: Partial<CoordinatorConfig>;
  /** The coordinator's clock (default the real one). */
  now?: () => number;
  io?: CoordinatorIo;
  bus?: (store: SqliteStore) => EventBus;
  /** The scene file's name in the directory (a placeholder `.blend`). */
  sceneName?: string;
  /** The temporary directory's prefix. */
  prefix?: string;
}

/**
 * A coordinator in this process on a fresh SQLite file in a temporary directory, with a
 * placeholder scene beside it: the fixture the coordinator's unit tests share.
 */
export function inProcessCoordinator<P extends AllocationPort = RecordingAllocationPort>(
  o: InProcessOptions<P> = {},
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), o.prefix ?? 'ct-coord-'));
  const scene = path.join(dir, o.sceneName ?? 'scene.blend');
  mkdirSync(path.dirname(scene), { recursive: true });
  writeFileSync(scene, 'BLENDER');
  const store = new SqliteStore(path.join(dir, 'state.db'));
  // Without a port given, P is the recording double's type (its default).
  const port = o.port ?? (new RecordingAllocationPort() as unknown as P);
  const bus = o.bus ? o.bus(store) : new EventBus(() => undefined);
  const c = new Coordinator(
    store,
    port,
    bus,
    { ...DEFAULT_CONFIG, ...o.config, stateDir: dir },
    o.now,
    o.io,
  );
  return { c, dir, scene, store, port };
}
