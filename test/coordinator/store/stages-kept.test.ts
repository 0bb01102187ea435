import { describe, expect, it } from 'vitest';
import { storeWithJob } from './store-with-job.js';

const states = (store: ReturnType<typeof storeWithJob>) =>
  store.stages.list('j1').map((s) => s.state);

describe("a job's stages, kept in memory", () => {
  it('follow every write, and a write rolled back leaves nothing of it behind', () => {
    const store = storeWithJob('j1', 1);
    expect(states(store)).toEqual(['ready']);
    store.stages.setState('j1', 'render', 'done');
    expect(states(store)).toEqual(['done']);

    // Written, read inside the transaction (it sees its own write), then rolled back.
    expect(() =>
      store.transaction(() => {
        store.stages.setState('j1', 'render', 'failed');
        expect(states(store)).toEqual(['failed']);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(states(store)).toEqual(['done']);

    // Committed: the next transaction and the reads after it see it.
    store.transaction(() => store.stages.setState('j1', 'render', 'ready'));
    store.transaction(() => expect(states(store)).toEqual(['ready']));
    expect(states(store)).toEqual(['ready']);
  });

  it('hand out copies: a caller changing one changes nothing kept', () => {
    const store = storeWithJob('j1', 1);
    store.stages.list('j1')[0]!.state = 'failed';
    expect(states(store)).toEqual(['ready']);
  });
});
