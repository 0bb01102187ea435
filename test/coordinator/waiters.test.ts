import { describe, expect, it } from 'vitest';
import { Waiters, type Wake } from '../../src/coordinator/waiters.js';

describe('waiters', () => {
  it('offers new work to as many waiters as there are tasks, longest waiting first', async () => {
    const w = new Waiters();
    const woken: string[] = [];
    const waits = ['a', 'b', 'c', 'd'].map((name) =>
      w.wait('j1', 1_000).then((wake) => woken.push(`${name}:${wake.kind}`)),
    );
    w.offer('j1', 2);
    await new Promise((r) => setTimeout(r, 0));
    expect(woken).toEqual(['a:offer', 'b:offer']);
    expect(w.waiting('j1')).toBe(2);
    w.notify('j1');
    await Promise.all(waits);
    expect(woken).toEqual(['a:offer', 'b:offer', 'c:news', 'd:news']);
    expect(w.waiting('j1')).toBe(0);
  });

  it('passes an offer on until every waiter has had it once', async () => {
    const w = new Waiters();
    let hops = 0;
    // Every waiter refuses the offer and waits again, as agents that failed the task do.
    const refuse = async (): Promise<void> => {
      const wake: Wake = await w.wait('j1', 200);
      if (wake.kind !== 'offer') return;
      hops++;
      w.passOn('j1', wake);
      return refuse();
    };
    const all = Array.from({ length: 5 }, refuse);
    w.offer('j1', 1);
    await Promise.all(all);
    expect(hops).toBeGreaterThanOrEqual(5);
    expect(hops).toBeLessThanOrEqual(6);
  });
});
