import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_LEVELS, type EventType } from '../../src/api/events.js';

const COORDINATOR = path.resolve('src/coordinator');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/** Types the coordinator records through a template, and the template that makes them. */
const TEMPLATED: Partial<Record<EventType, string>> = {
  'job:succeeded': 'record(jobId, `job:${state}`',
  'job:failed': 'record(jobId, `job:${state}`',
  'job:cancelled': 'record(jobId, `job:${state}`',
};

describe('the map of history events', () => {
  const text = sources(COORDINATOR)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  it('names only events the coordinator records', () => {
    const types = Object.keys(EVENT_LEVELS) as EventType[];
    expect(types.length).toBeGreaterThan(30);
    // A record call names its type second; a plan's events are recorded as the plan says.
    const recorded = (t: string) =>
      new RegExp(`record\\(\\s*[\\w.]+,\\s*'${t}'`).test(text) || text.includes(`type: '${t}'`);
    const unrecorded = types.filter((t) => {
      const template = TEMPLATED[t];
      return template ? !text.includes(template) : !recorded(t);
    });
    expect(unrecorded).toEqual([]);
  });

  it('knows the states a job ends in, which its template makes types of', () => {
    const finish = /finish\(\s*jobId: string,\s*state: ([^,]+),/.exec(text)?.[1] ?? '';
    const states = [...finish.matchAll(/'(\w+)'/g)].map((m) => `job:${m[1]}`);
    expect(states.sort()).toEqual(Object.keys(TEMPLATED).sort());
  });
});
