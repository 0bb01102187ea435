import { describe, expect, it } from 'vitest';
import { benchLeaseOrder, formatLeaseOrder, SHAPES, SIZES } from '../lease-order.js';

describe('the lease-order bench', () => {
  it('simulates every shape at every size in both orders, the same shots each run', () => {
    const rows = benchLeaseOrder(2);
    expect(rows).toHaveLength(Object.keys(SHAPES).length * SIZES.length);
    for (const r of rows)
      for (const s of [r.inOrder, r.costliestFirst]) {
        expect(s.median).toBeGreaterThan(0.3);
        expect(s.median).toBeLessThanOrEqual(1.0001);
      }
    // The bench scene's shape on its two slots: the end evens out costliest first.
    const bench = rows.find((r) => r.shape === 'costly end' && r.frames === 24 && r.agents === 2);
    expect(bench?.costliestFirst.median).toBeGreaterThan(bench?.inOrder.median ?? 1);
    expect(benchLeaseOrder(2)).toEqual(rows);
    expect(formatLeaseOrder(rows)).toMatch(/costly end\s+24×2\s+\d+% \/ \d+%\s+\d+% \/ \d+%/);
  });
});
