import { describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../src/coordinator/events.js';

describe('event streams', () => {
  it('gives each stream the events of one moment in one write, each serialized once', async () => {
    const bus = new EventBus(() => undefined, 200, 20);
    const writes: string[][] = [[], [], []];
    for (const w of writes) bus.stream((chunk) => w.push(chunk));
    const stringify = vi.spyOn(JSON, 'stringify');
    for (let i = 0; i < 100; i++)
      bus.emit({
        type: 'job:event',
        jobId: 'j1',
        event: {
          id: i,
          at: i,
          type: 'job:warning',
          actor: 'user',
          message: `m${i}`,
          data: {},
          level: 'warning',
        },
      });
    const calls = stringify.mock.calls.length;
    stringify.mockRestore();
    expect(calls).toBe(100);
    await new Promise((r) => setTimeout(r, 50));
    for (const w of writes) {
      expect(w).toHaveLength(1);
      const blocks = (w[0] ?? '').split('\n\n').filter(Boolean);
      expect(blocks).toHaveLength(100);
      const last = JSON.parse((blocks[99] ?? '').slice('data: '.length)) as {
        event: { message: string };
      };
      expect(last.event.message).toBe('m99');
    }
    bus.close();
  });

  it('stops writing to a stream once it unsubscribes', async () => {
    const bus = new EventBus(() => undefined, 200, 10);
    const w: string[] = [];
    const off = bus.stream((chunk) => w.push(chunk));
    expect(bus.listening).toBe(true);
    off();
    expect(bus.listening).toBe(false);
    bus.emit({
      type: 'job:event',
      jobId: 'j1',
      event: {
        id: 1,
        at: 1,
        type: 'job:warning',
        actor: 'user',
        message: 'm',
        data: {},
        level: 'warning',
      },
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(w).toEqual([]);
    bus.close();
  });
});
