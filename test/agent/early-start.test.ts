import { describe, expect, it } from 'vitest';
import { agentGpu, startEarly } from '../../src/agent/early-start.js';

// What the agent's first lines make of CT_WARM_UP. Starting Blender itself is in
// test/agent/runners/blender.int.test.ts; nothing here names a Blender kind with an absolute scene.

function early(raw: string | undefined) {
  const lines: string[] = [];
  const r = startEarly(raw === undefined ? {} : { CT_WARM_UP: raw }, {
    gpu: '0',
    threads: 1,
    log: (l) => lines.push(l),
  });
  return { r, lines };
}

describe("an agent's early start", () => {
  it('starts nothing without a warm-up in the environment', () => {
    expect(early(undefined).r).toBeUndefined();
    expect(early('').r).toBeUndefined();
  });

  it('starts nothing from a value that is not a warm-up, and says so', () => {
    for (const raw of [
      '{',
      '[]',
      'null',
      '"x"',
      '{"kind": 1, "payload": {}}',
      '{"kind": "blender-render"}',
      '{"kind": "blender-render", "payload": []}',
    ]) {
      const { r, lines } = early(raw);
      expect(r, raw).toBeUndefined();
      expect(lines, raw).toEqual([expect.stringContaining('CT_WARM_UP is not a warm-up')]);
    }
  });

  it('keeps a warm-up it cannot start early for the runner, starting no process', () => {
    const cases = [
      { kind: 'command', payload: { scene: '/abs/shot.blend' } },
      { kind: 'blender-render', payload: { scene: 'relative/shot.blend' } },
      { kind: 'blender-render', payload: { scene: '--python-expr=evil' } },
      { kind: 'blender-render', payload: { scene: 42 } },
    ];
    for (const w of cases) {
      const { r, lines } = early(JSON.stringify(w));
      expect(r, JSON.stringify(w)).toEqual({ warmUp: w });
      expect(lines).toEqual([]);
    }
  });

  it("takes the GPU from what srun set, in Slurm's order of preference", () => {
    expect(agentGpu({ CUDA_VISIBLE_DEVICES: '2', SLURM_STEP_GPUS: '3', SLURM_LOCALID: '1' })).toBe(
      '2',
    );
    expect(agentGpu({ SLURM_STEP_GPUS: '3', SLURM_LOCALID: '1' })).toBe('3');
    expect(agentGpu({ SLURM_LOCALID: '1' })).toBe('1');
    expect(agentGpu({})).toBe('0');
  });
});
