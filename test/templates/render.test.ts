import { existsSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/templates/render.js';
import { HOSTILE_VALUES } from '../helpers/hostile.js';
import { bashSyntaxErrors, runBash, shellcheckFindings } from '../helpers/shell.js';

describe('script templates', () => {
  it('render the GPU check with hostile labels into scripts that pass bash -n and shellcheck', () => {
    for (const label of HOSTILE_VALUES) {
      const script = renderTemplate('slurm/templates/gpu-check.sbatch.hbs', {
        gpusPerNode: 4,
        label,
      });
      expect(bashSyntaxErrors(script)).toBe('');
      expect(shellcheckFindings(script)).toBe('');
    }
  });

  it('keep hostile values literal when the script runs', () => {
    rmSync('/tmp/ct-pwned', { force: true });
    for (const label of HOSTILE_VALUES) {
      const script = renderTemplate('slurm/templates/gpu-check.sbatch.hbs', {
        gpusPerNode: 1,
        label,
      });
      // Run only the echo line: the srun line needs a cluster (the integration tests run it).
      const echo = script.split('\n').find((l) => l.startsWith('echo'));
      const out = runBash(echo ?? '', { SLURM_JOB_ID: '7', SLURM_JOB_NODELIST: 'node1' });
      expect(out).toBe(`job 7 on node1: ${label}\n`);
    }
    expect(existsSync('/tmp/ct-pwned')).toBe(false);
  });

  it('refuse a value with a line break and name the field', () => {
    expect(() =>
      renderTemplate('slurm/templates/gpu-check.sbatch.hbs', { gpusPerNode: 1, label: 'a\nb' }),
    ).toThrow(/label: .*line break/);
  });

  it('refuse a missing value instead of writing an empty string', () => {
    expect(() =>
      renderTemplate('slurm/templates/gpu-check.sbatch.hbs', { gpusPerNode: 1 }),
    ).toThrow(/label/);
  });

  it('write local slurm.conf with every path absolute', async () => {
    const { renderClusterConfig } = await import('../../src/local/conf.js');
    const { clusterLayout } = await import('../../src/local/layout.js');
    const { resolveOptions } = await import('../../src/local/options.js');
    const o = resolveOptions({ dir: '/tmp/ct-conf', nodes: 3, gpusPerNode: 2, portBase: 18000 });
    const { slurmConf, gresConf } = renderClusterConfig(o, clusterLayout(o.dir));
    expect(slurmConf).toContain(
      'NodeName=node[1-3] NodeHostname=localhost NodeAddr=127.0.0.1 Port=[18001-18003] CPUs=4 RealMemory=1000 Gres=gpu:2',
    );
    expect(slurmConf).toContain('SlurmctldPort=18000');
    for (const line of slurmConf.split('\n').filter((l) => /(Dir|File|Location)=/.test(l))) {
      expect(line.split('=')[1]).toMatch(/^\//);
    }
    expect(gresConf).toContain('NodeName=node[1-3] Name=gpu File=/tmp/ct-conf/dev/nvidia[0-1]');
  });
});
