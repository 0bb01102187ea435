import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clusterExports } from '../../src/local/exports.js';
import { homeClusterDir } from '../../src/local/options.js';

const saved = { ...process.env };
// On a ParallelCluster head node the coordinator verbs default to /shared/cluster-tool instead.
const headNode = existsSync('/shared/cluster-tool/coordinator.json');

beforeEach(() => {
  delete process.env.CLUSTER_TOOL_LOCAL_DIR;
  delete process.env.CLUSTER_TOOL_STATE_DIR;
});

afterEach(() => {
  process.env = { ...saved };
});

describe('what local up tells a shell to export', () => {
  it('names the coordinator state and the cluster directory for a directory of its own', () => {
    expect(
      clusterExports('/tmp/ct-x', '/tmp/ct-x/etc/slurm.conf', '/tmp/ct-x/coordinator'),
    ).toEqual([
      'export SLURM_CONF=/tmp/ct-x/etc/slurm.conf',
      'export CLUSTER_TOOL_LOCAL_DIR=/tmp/ct-x',
      'export CLUSTER_TOOL_STATE_DIR=/tmp/ct-x/coordinator',
    ]);
  });

  it('leaves out CLUSTER_TOOL_STATE_DIR when no coordinator was started', () => {
    expect(clusterExports('/tmp/ct-x', '/tmp/ct-x/etc/slurm.conf')).toEqual([
      'export SLURM_CONF=/tmp/ct-x/etc/slurm.conf',
      'export CLUSTER_TOOL_LOCAL_DIR=/tmp/ct-x',
    ]);
  });

  it.skipIf(headNode)('needs only SLURM_CONF for ~/.cluster-tool/local', () => {
    const dir = homeClusterDir();
    expect(clusterExports(dir, `${dir}/etc/slurm.conf`, `${dir}/coordinator`)).toEqual([
      `export SLURM_CONF=${dir}/etc/slurm.conf`,
    ]);
  });

  it('names the default directory too when this shell points the tools elsewhere', () => {
    const dir = homeClusterDir();
    process.env.CLUSTER_TOOL_STATE_DIR = '/tmp/ct-other/coordinator';
    expect(clusterExports(dir, `${dir}/etc/slurm.conf`, `${dir}/coordinator`)).toContain(
      `export CLUSTER_TOOL_STATE_DIR=${dir}/coordinator`,
    );
  });
});
