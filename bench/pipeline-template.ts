/**
 * The sparse DNN example (examples/openjd/sparse-dnn) as the bench runs it: one step per layer,
 * so that the pipeline and the chain of Slurm jobs do the same work in the same pieces. Built
 * here rather than written out, since OpenJD has no loops and 120 steps differ only in a number.
 */

/** What the bench's DNN runs. */
export interface DnnShape {
  neurons: number;
  layers: number;
  inputs: number;
  /** Input batches: the tasks of each layer, one per slot. */
  batches: number;
  seed: number;
}

const layerName = (l: number) => `Layer${String(l).padStart(3, '0')}`;

/** The dnn.py arguments of each piece of work, in order: prepare, each layer, categories. */
export function dnnSteps(
  s: DnnShape,
  work: string,
): { name: string; argv: string[]; perBatch: boolean }[] {
  const n = (v: number) => String(v);
  return [
    {
      name: 'Prepare',
      perBatch: false,
      argv: [
        ...['prepare', '--work', work, '--neurons', n(s.neurons), '--layers', n(s.layers)],
        ...['--inputs', n(s.inputs), '--batches', n(s.batches), '--seed', n(s.seed)],
      ],
    },
    ...Array.from({ length: s.layers }, (_, i) => ({
      name: layerName(i + 1),
      perBatch: true,
      argv: ['infer', '--work', work, '--first', n(i + 1), '--last', n(i + 1)],
    })),
    {
      name: 'Categories',
      perBatch: false,
      argv: ['categories', '--work', work, '--batches', n(s.batches), '--layers', n(s.layers)],
    },
  ];
}

/** A job template running `dnnSteps` as steps, each after the one before; a task per batch in layers. */
export function dnnLayerTemplate(s: DnnShape, work: string): Record<string, unknown> {
  return {
    specificationVersion: 'jobtemplate-2023-09',
    name: `Sparse DNN ${s.neurons}x${s.layers}, a step per layer`,
    parameterDefinitions: [
      { name: 'Script', type: 'PATH', objectType: 'FILE', dataFlow: 'IN' },
      { name: 'Python', type: 'STRING', default: 'python3' },
    ],
    steps: dnnSteps(s, work).map((step, i, all) => ({
      name: step.name,
      ...(i > 0 ? { dependencies: [{ dependsOn: all[i - 1]?.name }] } : {}),
      ...(step.perBatch
        ? {
            parameterSpace: {
              taskParameterDefinitions: [{ name: 'Batch', type: 'INT', range: `1-${s.batches}` }],
            },
          }
        : {}),
      script: {
        actions: {
          onRun: {
            command: '{{Param.Python}}',
            args: [
              '{{Param.Script}}',
              ...step.argv,
              ...(step.perBatch ? ['--batch', '{{Task.Param.Batch}}'] : []),
            ],
          },
        },
      },
    })),
  };
}
