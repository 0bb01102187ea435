import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SlurmAllocator } from '../../src/coordinator/allocations/slurm-allocator.js';
import { registerReply } from '../../src/api/agent-protocol.js';
import { SlurmClient } from '../../src/slurm/client.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { HOSTILE_VALUES } from '../helpers/hostile.js';
import { sceneInfo } from '../renderers/blender/scene-fixture.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function coordinator(sceneName = 'scene.blend', port = new RecordingAllocationPort()) {
  const { c, dir, scene } = inProcessCoordinator({ sceneName, port, prefix: 'ct-warm-' });
  dirs.push(dir);
  return { c, scene, port };
}

const allocator = new SlurmAllocator({
  // plan() asks Slurm nothing.
  client: new SlurmClient({ slurmConf: '/nonexistent/slurm.conf' }),
  instance: 'abc123',
  coordinatorUrl: 'http://127.0.0.1:1',
  agentCommand: ['agent'],
});

/** The recording double, with the real allocator's scripts (a dry run prints them). */
class ScriptingPort extends RecordingAllocationPort {
  override plan(...a: Parameters<SlurmAllocator['plan']>) {
    return allocator.plan(...a);
  }
}

/** What bash reads from the script's CT_WARM_UP line. */
function exported(script: string): string | undefined {
  const line = script.split('\n').find((l) => l.startsWith('export CT_WARM_UP='));
  if (!line) return undefined;
  const r = spawnSync('bash', ['-c', `${line}\nprintf %s "$CT_WARM_UP"`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe("a new agent's warm-up", () => {
  it("names a Blender job's scene, for the runner to load while the agent leases", async () => {
    const { c, scene } = coordinator();
    const job = await c.submit({ kind: 'blender', scene, frames: '1-4', nodes: 1 });
    const w = c.warmUps.of(job);
    expect(w).toEqual({ kind: 'blender-render', payload: { scene } });
    // As the registration reply carries it, checked by the agent's side of the wire.
    const reply = registerReply.parse({ agentId: 'a', leaseMs: 15_000, warmUp: w });
    expect('warmUp' in reply && reply.warmUp).toEqual(w);
  });

  it('names nothing for a job whose tasks have nothing to load ahead', async () => {
    const { c, port } = coordinator();
    const job = await c.submit({
      kind: 'command',
      command: ['echo', '{n}'],
      tasks: '{"n": "1"}\n{"n": "2"}\n',
      nodes: 1,
    });
    expect(c.warmUps.of(job)).toBeUndefined();
    expect(port.submitted[0]?.warmUp).toBeUndefined();
    expect(exported(allocator.plan(job, { nodes: 1, role: 'primary' }).script)).toBeUndefined();
  });

  it('goes with the allocation: its script hands it to the agents, which start it before registering', async () => {
    const { c, scene, port } = coordinator();
    const job = await c.submit({
      kind: 'blender',
      scene,
      frames: '1-4',
      nodes: 1,
      overrides: { resolutionPercentage: 50 },
      sceneInfo: sceneInfo(),
    });
    const warmUp = c.warmUps.of(job);
    expect(warmUp).toMatchObject({ payload: { scene, overrides: { resolutionPercentage: 50 } } });
    expect(port.submitted).toMatchObject([{ jobId: job.id, role: 'primary', warmUp }]);
    const { script } = allocator.plan(job, { nodes: 1, role: 'primary', warmUp });
    expect(JSON.parse(exported(script) ?? 'null')).toEqual(warmUp);
    // A dry run prints the script that would be submitted.
    const dry = coordinator('scene.blend', new ScriptingPort());
    const preview = await dry.c.preview({
      kind: 'blender',
      scene: dry.scene,
      frames: '1-4',
      nodes: 1,
    });
    expect(JSON.parse(exported(preview.sbatch.script) ?? 'null')).toEqual({
      kind: 'blender-render',
      payload: { scene: dry.scene },
    });
  });

  it('stays one literal word in the script, whatever the scene is called', async () => {
    for (const name of HOSTILE_VALUES.filter((v) => v !== '' && !v.includes('/'))) {
      const { c, scene } = coordinator(`${name}.blend`);
      const job = await c.submit({ kind: 'blender', scene, frames: '1', nodes: 1 });
      const warmUp = c.warmUps.of(job);
      const { script } = allocator.plan(job, { nodes: 1, role: 'primary', warmUp });
      expect(JSON.parse(exported(script) ?? 'null'), name).toEqual(warmUp);
    }
  });
});
