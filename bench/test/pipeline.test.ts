import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../main.js';
import { dnnLayerTemplate, dnnSteps } from '../pipeline-template.js';
import { planTemplateJob } from '../../src/openjd/index.js';
import { renderTemplate } from '../../src/templates/render.js';
import { HOSTILE_VALUES } from '../../test/helpers/hostile.js';
import { bashSyntaxErrors, shellcheckFindings } from '../../test/helpers/shell.js';

const shape = { neurons: 1024, layers: 120, inputs: 200, batches: 2, seed: 3 };

describe('the pipeline bench', () => {
  it('builds a valid template with a step per layer, each after the one before, a task per batch', () => {
    const r = planTemplateJob(
      dnnLayerTemplate(shape, '/work'),
      { Script: '/x/dnn.py' },
      { hostArch: 'x86_64' },
    );
    expect(r.errors).toEqual([]);
    const steps = r.job?.steps ?? [];
    expect(steps.map((s) => s.name)).toEqual([
      'Prepare',
      ...dnnSteps(shape, '/w')
        .slice(1, -1)
        .map((s) => s.name),
      'Categories',
    ]);
    expect(steps).toHaveLength(122);
    expect(steps[1]).toMatchObject({ name: 'Layer001', dependsOn: ['Prepare'] });
    expect(steps[1]?.tasks).toHaveLength(2);
    expect(steps[120]).toMatchObject({ name: 'Layer120', dependsOn: ['Layer119'] });
  });

  it('renders the chained Slurm steps with hostile paths into clean bash', () => {
    for (const value of HOSTILE_VALUES) {
      for (const batches of [0, 2]) {
        const script = renderTemplate('bench/templates/dnn-step.sbatch.hbs', {
          step: 'Layer001',
          argv: ['python3', `/tmp/${value}/dnn.py`, 'infer', '--work', `/tmp/${value}`],
          batches,
        });
        expect(bashSyntaxErrors(script)).toBe('');
        expect(shellcheckFindings(script)).toBe('');
      }
    }
  });

  it('is a section of its own with the DNN size as flags', () => {
    expect(parseBenchArgs(['--only', 'pipeline', '--dnn-layers', '12'])).toMatchObject({
      only: ['pipeline'],
      dnnLayers: 12,
      dnnInputs: 200,
    });
  });
});
