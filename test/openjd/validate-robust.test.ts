import { describe, expect, it } from 'vitest';
import {
  OpenjdInstantiationError,
  expandStep,
  instantiateTask,
  resolveJobParameters,
  validateTemplate,
} from '../../src/openjd/index.js';
import { fullTemplate } from './fixtures.js';

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  '{{',
  '}}',
  '{{Param.Nope}}',
  [],
  [null],
  {},
  { a: 1 },
  true,
];

/** Every [container, key] pair in a document. */
function slots(doc: unknown, out: [Record<string | number, unknown>, string | number][] = []) {
  if (doc && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) {
      out.push([doc as Record<string, unknown>, Array.isArray(doc) ? Number(k) : k]);
      slots(v, out);
    }
  return out;
}

describe('validateTemplate on malformed documents', () => {
  it('returns problems, never throws, whatever node is replaced by whatever value; what passes expands', () => {
    const rnd = random(20230901);
    let passed = 0;
    for (let round = 0; round < 400; round++) {
      const doc = fullTemplate();
      for (let n = 0; n < 1 + Math.floor(rnd() * 3); n++) {
        const all = slots(doc);
        const [obj, key] = all[Math.floor(rnd() * all.length)]!;
        obj[key] = ODD_VALUES[Math.floor(rnd() * ODD_VALUES.length)];
      }
      const r = validateTemplate(doc);
      expect(r.template === undefined || r.errors.length === 0).toBe(true);
      for (const p of r.errors)
        expect(typeof p.path === 'string' && p.message.length > 0).toBe(true);
      if (!r.template) continue;
      passed++;
      // A template that passed must expand and instantiate, or fail with a typed error.
      const { values, errors } = resolveJobParameters(r.template, {});
      if (errors.length) continue;
      for (const step of r.template.steps) {
        try {
          for (const task of expandStep(r.template, step.name, values).slice(0, 3))
            instantiateTask(r.template, step.name, task.params, values, '/s');
        } catch (e) {
          expect(e).toBeInstanceOf(OpenjdInstantiationError);
        }
      }
    }
    expect(passed).toBeGreaterThan(4); // a few mutations keep the template valid; those are exercised
  });
});
