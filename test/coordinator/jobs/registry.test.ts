import { describe, expect, it } from 'vitest';
import { JOB_TYPES, jobTypeOf } from '../../../src/coordinator/jobs/registry.js';

describe('the job types', () => {
  it('are listed once each, under their own kind', () => {
    expect(new Set(JOB_TYPES.map((t) => t.kind)).size).toBe(JOB_TYPES.length);
    for (const t of JOB_TYPES) expect(jobTypeOf(t.kind)).toBe(t);
  });

  it('show a results table when they keep results, and an address when they are services', () => {
    for (const t of JOB_TYPES) {
      expect(t.panels.includes('results'), t.kind).toBe(t.results !== undefined);
      expect(t.panels.includes('service'), t.kind).toBe(t.service !== undefined);
    }
  });
});
