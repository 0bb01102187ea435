import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { resolveOptions } from '../../src/local/options.js';

describe('local cluster options', () => {
  it('default to 4 nodes with 4 GPUs each, as a p3.8xlarge', () => {
    expect(resolveOptions({ dir: '/tmp/x' })).toEqual({
      dir: '/tmp/x',
      nodes: 4,
      gpusPerNode: 4,
      cpusPerNode: 4,
      portBase: 17000,
    });
  });

  it('reject --nodes 0 and other out-of-range numbers, naming the flag', () => {
    expect(() => resolveOptions({ dir: '/tmp/x', nodes: 0 })).toThrow(UsageError);
    expect(() => resolveOptions({ dir: '/tmp/x', nodes: 0 })).toThrow(
      /--nodes must be a whole number from 1 to 64 \(got 0\)/,
    );
    expect(() => resolveOptions({ dir: '/tmp/x', gpusPerNode: 2.5 })).toThrow(/--gpus-per-node/);
    expect(() => resolveOptions({ dir: '/tmp/x', portBase: 80 })).toThrow(/--port-base/);
  });

  it('reject a directory that slurm.conf cannot hold', () => {
    expect(() => resolveOptions({ dir: '/tmp/with space' })).toThrow(/--dir .*letters, digits/);
    expect(() => resolveOptions({ dir: `/tmp/${'x'.repeat(90)}` })).toThrow(/at most 80/);
  });
});
