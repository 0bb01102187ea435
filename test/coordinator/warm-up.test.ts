import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Coordinator, DEFAULT_CONFIG } from '../../src/coordinator/core.js';
import { EventBus } from '../../src/coordinator/events.js';
import { SqliteStore } from '../../src/coordinator/store/sqlite-store.js';
import { registerReply } from '../../src/coordinator/wire/agent-protocol.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';

function coordinator() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ct-warm-'));
  const scene = path.join(dir, 'scene.blend');
  writeFileSync(scene, 'BLENDER');
  const c = new Coordinator(
    new SqliteStore(path.join(dir, 'state.db')),
    new RecordingAllocationPort(),
    new EventBus(() => undefined),
    { ...DEFAULT_CONFIG, stateDir: dir },
  );
  return { c, scene };
}

describe("a new agent's warm-up", () => {
  it("names a Blender job's scene, for the runner to load while the agent leases", async () => {
    const { c, scene } = coordinator();
    const job = await c.submit({ kind: 'blender', scene, frames: '1-4', nodes: 1 });
    const w = c.agents.warmUpFor(job);
    expect(w).toEqual({ kind: 'blender-render', payload: { scene } });
    // As the registration reply carries it, checked by the agent's side of the wire.
    const reply = registerReply.parse({ agentId: 'a', leaseMs: 15_000, warmUp: w });
    expect('warmUp' in reply && reply.warmUp).toEqual(w);
  });

  it('names nothing for a job whose tasks have nothing to load ahead', async () => {
    const { c } = coordinator();
    const job = await c.submit({
      kind: 'command',
      command: ['echo', '{n}'],
      tasks: '{"n": "1"}\n{"n": "2"}\n',
      nodes: 1,
    });
    expect(c.agents.warmUpFor(job)).toBeUndefined();
  });
});
