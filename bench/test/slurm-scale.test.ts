import { describe, expect, it } from 'vitest';
import { DEFAULT_SHAPE, sinfoText, squeueText } from '../scale/slurm-scale.js';
import { parseSinfoJson, parseSqueueJson } from '../../src/slurm/json.js';

describe('Slurm output of a 1,024-node cluster', () => {
  for (const format of ['22.05', '24.11'] as const) {
    it(`parses the ${format} queue and node list the scale bench generates`, () => {
      const jobs = parseSqueueJson(squeueText(DEFAULT_SHAPE, format));
      expect(jobs).toHaveLength(4 + 64 + 1_500);
      const ours = jobs.filter((j) => j.name.startsWith('ct-1a2b3c-'));
      expect(ours.map((j) => j.nodes.length)).toEqual([128, 128, 128, 128]);
      expect(ours[0]?.state).toBe('RUNNING');
      expect(jobs.filter((j) => j.state === 'PENDING')).toHaveLength(1_500);
      expect(parseSqueueJson(squeueText(DEFAULT_SHAPE, format, true))).toHaveLength(4);
      const nodes = parseSinfoJson(sinfoText(DEFAULT_SHAPE, format));
      expect(nodes).toHaveLength(1_024);
      expect(nodes[1023]?.name).toBe('gpu-st-p4d24xlarge-1024');
      expect(nodes[0]?.gpus).toBe(4);
    });
  }
});
