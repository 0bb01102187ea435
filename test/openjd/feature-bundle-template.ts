import { planTemplateJob } from '../../src/openjd/index.js';

/** A template with format strings in its numeric fields, for the FEATURE_BUNDLE_1 tests. */
export const FB = ['FEATURE_BUNDLE_1'];
export const template = (extensions: string[], over: Record<string, unknown> = {}) => ({
  specificationVersion: 'jobtemplate-2023-09',
  // no extensions is the list left out: an empty list is refused
  ...(extensions.length ? { extensions } : {}),
  name: 'numbers',
  parameterDefinitions: [
    { name: 'Seconds', type: 'INT', default: 30 },
    { name: 'Notify', type: 'INT', default: 20 },
    { name: 'Cpus', type: 'INT', default: 1 },
  ],
  steps: [
    {
      name: 'Run',
      script: {
        actions: {
          onRun: {
            command: 'true',
            timeout: '{{Param.Seconds}}',
            cancelation: {
              mode: 'NOTIFY_THEN_TERMINATE',
              notifyPeriodInSeconds: '{{Param.Notify}}',
            },
          },
        },
      },
      hostRequirements: { amounts: [{ name: 'amount.worker.vcpu', min: '{{Param.Cpus}}' }] },
    },
  ],
  ...over,
});
export const plan = (doc: unknown, given: Record<string, unknown> = {}) =>
  planTemplateJob(doc, given, { hostArch: 'x86_64' });
export const messages = (ps: { path: string; message: string }[]) =>
  ps.map((p) => `${p.path}: ${p.message}`).join('\n');
