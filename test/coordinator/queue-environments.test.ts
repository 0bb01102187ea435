import { beforeEach, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../src/coordinator/core.js';
import { openjdSpecOf } from '../../src/coordinator/jobs/openjd-payload.js';
import { RecordingAllocationPort } from '../doubles/allocation-port.js';
import { inProcessCoordinator } from '../helpers/in-process-coordinator.js';

/** Queue environments: environment templates the coordinator keeps and runs every OpenJD job in. */

let c: Coordinator;

beforeEach(() => {
  ({ c } = inProcessCoordinator({
    port: new RecordingAllocationPort(),
    config: { leaseMs: 1000, agentTimeoutMs: 5000 },
    now: () => 1_000_000,
  }));
});

const env = (name: string, extra: Record<string, unknown> = {}) => ({
  specificationVersion: 'environment-2023-09',
  ...extra,
  environment: { name, variables: { [`${name.toUpperCase()}_ON`]: '1' } },
});

const template = {
  specificationVersion: 'jobtemplate-2023-09',
  name: 'job',
  parameterDefinitions: [{ name: 'Quality', type: 'STRING', allowedValues: ['low', 'high'] }],
  jobEnvironments: [{ name: 'Own', variables: { OWN: '1' } }],
  steps: [{ name: 'S', script: { actions: { onRun: { command: 'true' } } } }],
};

describe('queue environments', () => {
  it('are applied to every OpenJD job, first added outermost, before its --env ones', async () => {
    c.queueEnvironments.add(
      'q1.yaml',
      env('First', {
        parameterDefinitions: [{ name: 'Quality', type: 'STRING', default: 'high' }],
      }),
    );
    c.queueEnvironments.add('q2.yaml', env('Second'));
    const job = await c.submit({
      kind: 'openjd',
      template,
      environments: [{ where: 'mine.yaml', doc: env('Mine') }],
    });
    const spec = openjdSpecOf(c.store.jobs.get(job.id)!.spec);
    expect(spec.template.jobEnvironments?.map((e) => e.name)).toEqual([
      'First',
      'Second',
      'Mine',
      'Own',
    ]);
    // the job has no default for Quality; the queue environment's merged in gives one
    expect(spec.values.Quality?.value).toBe('high');
    expect(c.queueEnvironments.list().map((e) => [e.name, e.source])).toEqual([
      ['First', 'q1.yaml'],
      ['Second', 'q2.yaml'],
    ]);
  });

  it('refuses a job whose parameter disagrees with a queue environment, naming both', async () => {
    c.queueEnvironments.add(
      'q.yaml',
      env('Q', { parameterDefinitions: [{ name: 'Quality', type: 'INT', default: 1 }] }),
    );
    await expect(c.submit({ kind: 'openjd', template })).rejects.toThrow(
      /parameter Quality.*INT there and STRING here.*queue environment Q/s,
    );
  });

  it('refuses a template that is not one, and a name kept already; removes by name', () => {
    expect(() => c.queueEnvironments.add('bad.yaml', { environment: { name: 'X' } })).toThrow(
      /bad.yaml is not a valid environment template:\n {2}error: specificationVersion: is required/,
    );
    c.queueEnvironments.add('a.yaml', env('A'));
    expect(() => c.queueEnvironments.add('b.yaml', env('A'))).toThrow(/named A is kept already/);
    c.queueEnvironments.remove('A');
    expect(c.queueEnvironments.list()).toEqual([]);
    expect(() => c.queueEnvironments.remove('A')).toThrow(/no queue environment is named A/);
  });
});
