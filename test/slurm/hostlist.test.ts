import { describe, expect, it } from 'vitest';
import { compressHostlist, expandHostlist } from '../../src/slurm/hostlist.js';

describe('host lists', () => {
  it('expands ranges, lists and zero padding as Slurm does', () => {
    expect(expandHostlist('node[1-3,5]')).toEqual(['node1', 'node2', 'node3', 'node5']);
    expect(expandHostlist('gpu-st-p38xlarge-[01-02],head')).toEqual([
      'gpu-st-p38xlarge-01',
      'gpu-st-p38xlarge-02',
      'head',
    ]);
    expect(expandHostlist('node4')).toEqual(['node4']);
    expect(expandHostlist('')).toEqual([]);
    expect(expandHostlist('(null)')).toEqual([]);
  });

  it('compresses names back into the shortest list', () => {
    expect(compressHostlist(['node1', 'node2', 'node3', 'node5'])).toBe('node[1-3,5]');
    expect(compressHostlist(['node4'])).toBe('node4');
    expect(compressHostlist(['q-dy-g4dn-1', 'q-dy-g4dn-2'])).toBe('q-dy-g4dn-[1-2]');
  });

  it('round-trips', () => {
    const names = ['node1', 'node4', 'node2', 'node10'];
    expect(expandHostlist(compressHostlist(names)).sort()).toEqual([...names].sort());
  });
});
