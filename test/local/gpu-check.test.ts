import { describe, expect, it } from 'vitest';
import { judgeGpuCheck } from '../../src/local/gpu-check.js';

const shape = { nodes: 2, gpusPerNode: 2 };

describe('the GPU check verdict', () => {
  it('passes when every node ran one task per GPU, each on its own GPU', () => {
    const lines = [
      'job 3 on node[1-2]: cluster-tool GPU check',
      '0: node1 CUDA_VISIBLE_DEVICES=0',
      '1: node1 CUDA_VISIBLE_DEVICES=1',
      '2: node2 CUDA_VISIBLE_DEVICES=0',
      '3: node2 CUDA_VISIBLE_DEVICES=1',
    ];
    expect(judgeGpuCheck(lines, shape)).toEqual({
      ok: true,
      verdict: 'OK: 2 node(s) × 2 GPU(s), each task got a GPU of its own from Slurm.',
    });
  });

  it('fails naming the node whose tasks got no GPU or shared one', () => {
    const lines = [
      '0: node1 CUDA_VISIBLE_DEVICES=0',
      '1: node1 CUDA_VISIBLE_DEVICES=1',
      '2: node2 CUDA_VISIBLE_DEVICES=none',
      '3: node2 CUDA_VISIBLE_DEVICES=none',
    ];
    const r = judgeGpuCheck(lines, shape);
    expect(r.ok).toBe(false);
    expect(r.verdict).toContain('but node2 differ');
  });
});
